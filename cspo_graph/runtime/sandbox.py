"""Taking the network away from a process: a seccomp filter that refuses Internet sockets.

:func:`isolate` installs a small BPF program (``prctl(PR_SET_SECCOMP)``, after
``PR_SET_NO_NEW_PRIVS``, so no privilege is needed) that makes ``socket()`` fail with
``EACCES`` for the address families that reach a network (``AF_INET``, ``AF_INET6``,
``AF_PACKET``), and refuses ``io_uring_setup`` (io_uring can open sockets without a
system call the filter sees) and every system call of a foreign ABI (32-bit or x32
calls, which have their own socket numbers). The filter holds for the process and every
thread it starts afterwards, Rust threads included, and cannot be removed: it is meant
for the worker processes that evaluate queries (:mod:`cspo_graph.runtime.workers`).

A SERVICE clause, whichever parser reads it, then cannot open a connection: the
executing engine fails with ``EACCES`` (:data:`REFUSED_ERRNO`) and the worker reports
the refusal.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import socket
import struct

REFUSED_ERRNO = errno.EACCES
"""What a refused ``socket()`` call fails with."""

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_X32_BIT = 0x40000000
_ARCHES = {
    # machine: (AUDIT_ARCH_*, __NR_socket, __NR_io_uring_setup)
    "x86_64": (0xC000003E, 41, 425),
    "aarch64": (0xC00000B7, 198, 425),
}
_REFUSED_FAMILIES = (socket.AF_INET, socket.AF_INET6, getattr(socket, "AF_PACKET", 17))

# classic BPF opcodes
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_RET_K = 0x06


class SandboxUnavailable(OSError):
    """This machine cannot install the filter (not Linux, an unknown architecture, or seccomp off)."""


def _program(arch: int, nr_socket: int, nr_io_uring: int, x32: bool) -> list[tuple[int, int, int, int]]:
    """The filter, as ``(code, jt, jf, k)`` instructions, ending with ``ALLOW`` and ``DENY``."""
    body: list[tuple[str, int, int]] = [("ld", 4, 0), ("jne_deny", arch, 0), ("ld", 0, 0)]
    if x32:
        body.append(("jge_deny", _X32_BIT, 0))
    body += [("jeq_deny", nr_io_uring, 0), ("jne_allow", nr_socket, 0), ("ld", 16, 0)]
    body += [("jeq_deny", family, 0) for family in _REFUSED_FAMILIES]  # then falls through to ALLOW
    allow, deny = len(body), len(body) + 1  # the two return instructions appended below
    program = []
    for index, (op, k, _) in enumerate(body):
        after = index + 1
        if op == "ld":
            program.append((_LD_W_ABS, 0, 0, k))
        elif op == "jne_deny":
            program.append((_JEQ_K, 0, deny - after, k))
        elif op == "jne_allow":
            program.append((_JEQ_K, 0, allow - after, k))
        elif op == "jeq_deny":
            program.append((_JEQ_K, deny - after, 0, k))
        else:  # jge_deny
            program.append((_JGE_K, deny - after, 0, k))
    program.append((_RET_K, 0, 0, _RET_ALLOW))
    program.append((_RET_K, 0, 0, _RET_ERRNO | REFUSED_ERRNO))
    return program


def isolate() -> None:
    """Refuse this process (and every thread it starts from now on) any Internet socket, for good."""
    machine = platform.machine()
    if machine not in _ARCHES or platform.system() != "Linux":
        raise SandboxUnavailable(f"cannot take the network away from a query on {platform.system()} {machine}")
    arch, nr_socket, nr_io_uring = _ARCHES[machine]
    instructions = _program(arch, nr_socket, nr_io_uring, x32=machine == "x86_64")
    code = b"".join(struct.pack("=HBBI", *instruction) for instruction in instructions)
    buffer = ctypes.create_string_buffer(code, len(code))

    class _Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    program = _Program(len(instructions), ctypes.addressof(buffer))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, None, 0, 0) != 0 or (
        libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(program), 0, 0) != 0
    ):
        failure = ctypes.get_errno()
        raise SandboxUnavailable(failure, f"cannot take the network away from a query: {os.strerror(failure)}")
