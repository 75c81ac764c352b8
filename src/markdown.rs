//! Markdown as learners write it on project pages, rendered to HTML that is safe to show to
//! anyone: pulldown-cmark renders it (raw HTML included, as CommonMark allows), then ammonia
//! keeps only an allow-list of tags and attributes — no scripts, no event handlers, no
//! `javascript:` links — and marks every link `rel="noopener noreferrer nofollow"`. An image may
//! show only a file uploaded to Cairn (`/files/{id}`, `/files/{id}/thumbnail`): anything else
//! would make the reader's browser fetch it as they read, so another address would turn a
//! teacher's reading into requests they never chose. Other images keep their text, not their
//! source.

use pulldown_cmark::{html, Options, Parser};

/// The Markdown, rendered and sanitised.
pub fn render(markdown: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .attribute_filter(|element, attribute, value| {
            if element == "img" && matches!(attribute, "src" | "srcset") {
                is_uploaded_file(value).then(|| value.into())
            } else {
                Some(value.into())
            }
        })
        .clean(&unsafe_html)
        .to_string()
}

/// Whether a URL is exactly one of Cairn's file routes: `/files/{id}` or its thumbnail.
fn is_uploaded_file(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("/files/") else {
        return false;
    };
    let id = rest.strip_suffix("/thumbnail").unwrap_or(rest);
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
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

    #[test]
    fn images_show_only_files_uploaded_to_cairn() {
        let html = render(
            "![a](/learners/5) ![b](/api/logout) ![c](https://tracker.example/p.png) \
             ![d](/files/7/../../learners/5) ![e](//evil.example/files/1) \
             <img src=\"/admin/people\" srcset=\"/learners/9 2x\">\n\n\
             ![ok](/files/12) ![thumb](/files/12/thumbnail)",
        );
        for forbidden in ["/learners/", "/api/", "tracker", "evil", "/admin/"] {
            assert!(!html.contains(forbidden), "{forbidden} survived in {html}");
        }
        assert!(html.contains("src=\"/files/12\""), "{html}");
        assert!(html.contains("src=\"/files/12/thumbnail\""), "{html}");
        assert!(html.contains("alt=\"a\""), "the text stays: {html}");
    }
}
