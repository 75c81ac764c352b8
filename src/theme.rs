//! An institution's colours: primary, accent and background, as `#rrggbb`. A theme is accepted
//! only when every pair that carries text reaches WCAG AA contrast (4.5:1); a refusal names the
//! pair and its measured ratio. Pages receive it as CSS custom properties.

use serde::{Deserialize, Serialize};

use crate::error::{CoreError, CoreResult};

/// WCAG 2 AA for normal text.
pub const MINIMUM_CONTRAST: f64 = 4.5;

/// The colours pages are drawn with; text itself stays `TEXT` on the background, and buttons
/// carry `ON_PRIMARY` text on the primary colour.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Theme {
    pub primary: String,
    pub accent: String,
    pub background: String,
}

/// Body text (`--color-text`).
pub const TEXT: &str = "#1b2330";
/// Text on primary buttons (`--color-primary-text`).
pub const ON_PRIMARY: &str = "#ffffff";

impl Default for Theme {
    /// The colours of `style/main.css`.
    fn default() -> Self {
        Theme {
            primary: "#1f5fa8".into(),
            accent: "#b3541e".into(),
            background: "#f5f7fa".into(),
        }
    }
}

/// An `#rrggbb` colour as its three channels.
pub fn parse_colour(text: &str) -> Option<[u8; 3]> {
    let hex = text.trim().strip_prefix('#')?;
    if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

/// WCAG 2 relative luminance.
fn luminance([r, g, b]: [u8; 3]) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

/// The WCAG contrast ratio of two colours, from 1 to 21.
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (light, dark) = if la > lb { (la, lb) } else { (lb, la) };
    (light + 0.05) / (dark + 0.05)
}

impl Theme {
    /// The theme with each colour written `#rrggbb` in lower case, or the field at fault; then
    /// every text pair checked for contrast.
    pub fn checked(&self) -> CoreResult<Theme> {
        let colour = |field: &str, value: &str| {
            parse_colour(value)
                .map(|[r, g, b]| format!("#{r:02x}{g:02x}{b:02x}"))
                .ok_or_else(|| {
                    CoreError::invalid(field, format!("{value} is not a colour like #1f5fa8"))
                })
        };
        let theme = Theme {
            primary: colour("primary", &self.primary)?,
            accent: colour("accent", &self.accent)?,
            background: colour("background", &self.background)?,
        };
        for (field, what, fore, back) in [
            (
                "background",
                "body text on the background",
                TEXT,
                &theme.background,
            ),
            (
                "primary",
                "links on the background",
                &theme.primary,
                &theme.background,
            ),
            (
                "primary",
                "button text on the primary colour",
                ON_PRIMARY,
                &theme.primary,
            ),
            (
                "accent",
                "accent text on the background",
                &theme.accent,
                &theme.background,
            ),
        ] {
            let ratio = contrast(
                parse_colour(fore).expect("checked above"),
                parse_colour(back).expect("checked above"),
            );
            if ratio < MINIMUM_CONTRAST {
                return Err(CoreError::invalid(
                    field,
                    format!(
                        "{what} ({fore} on {back}) has a contrast of {:.2}:1; at least {MINIMUM_CONTRAST}:1 is needed",
                        (ratio * 100.0).floor() / 100.0
                    ),
                ));
            }
        }
        Ok(theme)
    }

    /// The CSS that applies the theme (light colour scheme; the dark scheme keeps its own
    /// accessible palette).
    pub fn css(&self) -> String {
        format!(
            "@media (prefers-color-scheme: light), (prefers-color-scheme: no-preference) {{\n\
             html:root {{ --color-primary: {}; --color-focus: {}; --color-accent: {}; --color-bg: {}; }}\n}}\n",
            self.primary, self.primary, self.accent, self.background
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_matches_wcag() {
        let white = parse_colour("#FFFFFF").unwrap();
        let black = parse_colour("#000000").unwrap();
        assert!((contrast(white, black) - 21.0).abs() < 1e-9);
        assert!((contrast(black, white) - 21.0).abs() < 1e-9);
        // #777777 on white is the classic near miss: 4.48:1.
        let grey = parse_colour("#777777").unwrap();
        assert!((contrast(grey, white) - 4.478).abs() < 0.01);
        assert_eq!(parse_colour("#12345"), None);
        assert_eq!(parse_colour("red"), None);
        assert_eq!(parse_colour("#gg0000"), None);
    }

    #[test]
    fn the_default_theme_passes_and_a_pale_primary_is_refused_with_its_ratio() {
        assert_eq!(Theme::default().checked().unwrap(), Theme::default());
        let pale = Theme {
            primary: "#8AB4F8".into(),
            ..Theme::default()
        };
        let error = pale.checked().unwrap_err().to_string();
        assert!(
            error.starts_with(
                "primary: links on the background (#8ab4f8 on #f5f7fa) has a contrast of 1.9"
            ),
            "{error}"
        );
        assert!(error.ends_with("at least 4.5:1 is needed"), "{error}");
        let dark_background = Theme {
            background: "#202020".into(),
            ..Theme::default()
        };
        assert!(dark_background.checked().is_err());
        let typo = Theme {
            accent: "orange".into(),
            ..Theme::default()
        };
        assert_eq!(
            typo.checked().unwrap_err().to_string(),
            "accent: orange is not a colour like #1f5fa8"
        );
    }
}
