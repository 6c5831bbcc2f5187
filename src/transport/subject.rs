//! NATS subject helpers: wildcard matching, validation, and the output subject template.

/// Whether `subject` (no wildcards) is matched by `pattern` (`*` one token, `>` the rest).
pub fn matches(pattern: &str, subject: &str) -> bool {
    let mut p = pattern.split('.');
    let mut s = subject.split('.');
    loop {
        match (p.next(), s.next()) {
            (Some(">"), Some(_)) => return true,
            (Some("*"), Some(_)) => {}
            (Some(a), Some(b)) if a == b => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

/// Checks a subject or pattern: non-empty tokens, no spaces, `>` only last.
pub fn validate_pattern(subject: &str) -> Result<(), String> {
    if subject.is_empty() {
        return Err("a subject must not be empty".into());
    }
    let tokens: Vec<&str> = subject.split('.').collect();
    for (i, t) in tokens.iter().enumerate() {
        if t.is_empty() {
            return Err(format!("`{subject}` has an empty token"));
        }
        if t.chars().any(char::is_whitespace) {
            return Err(format!("`{subject}` contains whitespace"));
        }
        if *t == ">" && i + 1 != tokens.len() {
            return Err(format!("`{subject}`: `>` may only be the last token"));
        }
        if t.len() > 1 && (t.contains('>') || t.contains('*')) {
            return Err(format!("`{subject}`: wildcards must be whole tokens"));
        }
    }
    Ok(())
}

/// Turns free text (a source such as `bbc.co.uk`) into one safe subject token.
pub fn token(raw: &str) -> String {
    let t: String = raw
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    if t.is_empty() { "unknown".into() } else { t }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Lit(String),
    Lang,
    Source,
}

/// `articles.enriched.{lang}`: the output subject, filled per record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectTemplate {
    pieces: Vec<Piece>,
}

impl SubjectTemplate {
    pub fn parse(template: &str) -> Result<SubjectTemplate, String> {
        let mut pieces = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                pieces.push(Piece::Lit(rest[..open].to_string()));
            }
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| format!("`{template}`: unclosed `{{`"))?
                + open;
            pieces.push(match &rest[open + 1..close] {
                "lang" => Piece::Lang,
                "source" => Piece::Source,
                other => {
                    return Err(format!(
                        "`{template}`: unknown placeholder {{{other}}} (use {{lang}} or {{source}})"
                    ));
                }
            });
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Lit(rest.to_string()));
        }
        let probe = SubjectTemplate {
            pieces: pieces.clone(),
        }
        .render(Some("en"), Some("x"));
        validate_pattern(&probe)?;
        if probe.contains('*') || probe.contains('>') {
            return Err(format!(
                "`{template}`: an output subject cannot hold wildcards"
            ));
        }
        Ok(SubjectTemplate { pieces })
    }

    /// Fills the placeholders: `und` for an unknown language, `unknown` for an unknown source.
    pub fn render(&self, lang: Option<&str>, source: Option<&str>) -> String {
        let mut out = String::with_capacity(48);
        for p in &self.pieces {
            match p {
                Piece::Lit(s) => out.push_str(s),
                Piece::Lang => out.push_str(&token(lang.unwrap_or("und"))),
                Piece::Source => out.push_str(&token(source.unwrap_or("unknown"))),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_matching() {
        assert!(matches("articles.raw.>", "articles.raw.bbc"));
        assert!(matches("articles.raw.>", "articles.raw.bbc.x"));
        assert!(!matches("articles.raw.>", "articles.raw"));
        assert!(matches("articles.*.x", "articles.raw.x"));
        assert!(!matches("articles.*", "articles.raw.x"));
        assert!(!matches("articles.raw.>", "articles.enriched.en"));
    }

    #[test]
    fn templates_render_safe_tokens() {
        let t = SubjectTemplate::parse("articles.enriched.{lang}.{source}").unwrap();
        assert_eq!(
            t.render(Some("en"), Some("bbc.co.uk")),
            "articles.enriched.en.bbc_co_uk"
        );
        assert_eq!(t.render(None, None), "articles.enriched.und.unknown");
        assert!(SubjectTemplate::parse("a.{nope}").is_err());
        assert!(SubjectTemplate::parse("a.{lang").is_err());
        assert!(SubjectTemplate::parse("a.>").is_err());
        assert!(SubjectTemplate::parse("a..{lang}").is_err());
    }

    #[test]
    fn patterns_validate() {
        assert!(validate_pattern("articles.raw.>").is_ok());
        assert!(validate_pattern("a.>.b").is_err());
        assert!(validate_pattern("a b").is_err());
        assert!(validate_pattern("a.b*").is_err());
    }
}
