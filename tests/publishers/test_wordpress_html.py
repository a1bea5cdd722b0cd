from __future__ import annotations

from publishers.wordpress_html import Image, content_html, title_of


def test_title_is_the_first_line_cut_at_a_word() -> None:
    assert title_of("\n  Fresh buns today!\nmore") == "Fresh buns today!"
    long = "Cinnamon buns with cardamom, " * 5
    t = title_of(long)
    assert len(t) <= 70 and t.endswith("…") and " cardam…" not in t


def test_caption_is_escaped_and_paragraphed_and_links_clickable() -> None:
    text = 'Buns <b>&</b> "coffee"\nline two\n\nSee https://example.com/shop?a=1&b=2.'
    out = content_html(text, [])
    assert out == (
        "<!-- wp:paragraph -->\n"
        "<p>Buns &lt;b&gt;&amp;&lt;/b&gt; &quot;coffee&quot;<br>line two</p>\n"
        "<!-- /wp:paragraph -->\n\n"
        "<!-- wp:paragraph -->\n"
        '<p>See <a href="https://example.com/shop?a=1&amp;b=2">https://example.com/shop?a=1&amp;b=2</a>.</p>\n'
        "<!-- /wp:paragraph -->"
    )


def test_quoted_link_keeps_its_quotes_outside() -> None:
    out = content_html('"https://example.com"', [])
    assert '&quot;<a href="https://example.com">https://example.com</a>&quot;' in out


def test_image_blocks_carry_id_url_and_escaped_alt() -> None:
    out = content_html("Hi", [Image(id=7, url="https://s.example/a.jpg", alt='A "big" bun')])
    assert out.endswith(
        '<!-- wp:image {"id":7,"sizeSlug":"large","linkDestination":"none"} -->\n'
        '<figure class="wp-block-image size-large"><img src="https://s.example/a.jpg" '
        'alt="A &quot;big&quot; bun" class="wp-image-7"/></figure>\n'
        "<!-- /wp:image -->"
    )


def test_links_stay_whole_parentheses_and_non_ascii_included() -> None:
    out = content_html(
        "Bread (https://en.wikipedia.org/wiki/Bread_(food)) and "
        "https://bakery.example/brød?sted=Århus&x=1#kort.",
        [],
    )
    assert (
        '(<a href="https://en.wikipedia.org/wiki/Bread_(food)">'
        "https://en.wikipedia.org/wiki/Bread_(food)</a>)"
    ) in out
    assert (
        '<a href="https://bakery.example/brød?sted=Århus&amp;x=1#kort">'
        "https://bakery.example/brød?sted=Århus&amp;x=1#kort</a>.</p>"
    ) in out
