//! Markdown as learners write it on project pages, rendered to HTML that is safe to show to
//! anyone: pulldown-cmark renders it (raw HTML included, as CommonMark allows), then ammonia
//! keeps only an allow-list of tags and attributes — no scripts, no event handlers, no
//! `javascript:` links — and marks every link `rel="noopener noreferrer nofollow"`.

use pulldown_cmark::{html, Options, Parser};

/// The Markdown, rendered and sanitised.
pub fn render(markdown: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .clean(&unsafe_html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn markdown_renders() {
        let html = render("# River health\n\nWe *tested* [water](https://example.org/water).");
        assert!(html.contains("<h1>River health</h1>"), "{html}");
        assert!(html.contains("<em>tested</em>"), "{html}");
        assert!(
            html.contains("href=\"https://example.org/water\""),
            "{html}"
        );
    }

    #[test]
    fn hostile_markdown_renders_inert() {
        let hostile = "<script>alert(1)</script>\n\n\
            [click](javascript:alert(2))\n\n\
            <img src=x onerror=\"alert(3)\">\n\n\
            <a href=\"JaVaScRiPt:alert(4)\" onclick=\"alert(5)\">x</a>\n\n\
            <iframe src=\"https://evil.example\"></iframe>\n\n\
            <p style=\"position:fixed\" onmouseover=alert(6)>hover</p>";
        let html = render(hostile).to_lowercase();
        for forbidden in [
            "<script",
            "javascript:",
            "onerror",
            "onclick",
            "onmouseover",
            "<iframe",
            "style=",
        ] {
            assert!(!html.contains(forbidden), "{forbidden} survived in {html}");
        }
        // What is harmless stays.
        assert!(html.contains("hover"), "{html}");
    }
}
