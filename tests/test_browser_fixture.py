"""The real-browser fixture itself works: a page renders and its requests are seen."""


def test_page_renders_and_records_requests(page, tmp_path):
    html = tmp_path / "index.html"
    html.write_text("<h1 id='t'>&lt;b&gt;CSpO&lt;/b&gt;</h1><script>console.error('boom')</script>")
    page.goto(html.as_uri())
    assert page.inner_text("#t") == "<b>CSpO</b>"
    assert page.errors == ["boom"]
    assert page.requests == [html.as_uri()]
