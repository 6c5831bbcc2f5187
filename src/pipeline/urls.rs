//! `canonical_url` and the `source` derived from a URL.

use url::Url;

/// Query parameters that only track the click, never select the content.
fn is_tracking_param(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("utm_")
        || n.starts_with("_hs")
        || n.starts_with("pk_")
        || n.starts_with("mtm_")
        || matches!(
            n.as_str(),
            "fbclid"
                | "gclid"
                | "gclsrc"
                | "dclid"
                | "gbraid"
                | "wbraid"
                | "msclkid"
                | "yclid"
                | "twclid"
                | "ttclid"
                | "igshid"
                | "igsh"
                | "li_fat_id"
                | "mc_cid"
                | "mc_eid"
                | "mkt_tok"
                | "oly_anon_id"
                | "oly_enc_id"
                | "vero_id"
                | "wickedid"
                | "_ga"
                | "_gl"
                | "ncid"
                | "ocid"
                | "cmpid"
                | "s_cid"
                | "spm"
                | "smid"
                | "sr_share"
        )
}

/// The canonical form of an article URL: scheme and host lower-cased (IDNA applied), default
/// port, fragment and tracking parameters dropped, other parameters kept in their order.
/// `None` when the URL does not parse or is not http(s).
pub fn canonical_url(raw: &str) -> Option<String> {
    let mut url = Url::parse(raw.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    url.set_fragment(None);
    // `Url` already drops the default port and lower-cases the host of special schemes.
    if url.query().is_some() {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| !is_tracking_param(k))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else {
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    // A trailing dot on the host names the same site.
    if let Some(host) = url.host_str().filter(|h| h.ends_with('.')) {
        let host = host.trim_end_matches('.').to_string();
        url.set_host(Some(&host)).ok()?;
    }
    Some(url.into())
}

/// The registrable domain of a URL's host (`https://www.bbc.co.uk/x` gives `bbc.co.uk`); the
/// bare host for IP addresses and hosts the public suffix list does not cover.
pub fn source_from_url(raw: &str) -> Option<String> {
    let url = Url::parse(raw.trim()).ok()?;
    let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    if host.is_empty() {
        return None;
    }
    if matches!(url.host(), Some(url::Host::Ipv4(_) | url::Host::Ipv6(_))) {
        return Some(host);
    }
    match psl::domain_str(&host) {
        Some(d) => Some(d.to_string()),
        None => Some(host.trim_start_matches("www.").to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_drops_tracking_fragment_and_default_port() {
        assert_eq!(
            canonical_url(
                "HTTPS://WWW.Example.COM:443/News/Story?id=5&utm_source=x&fbclid=abc#top"
            )
            .as_deref(),
            Some("https://www.example.com/News/Story?id=5")
        );
        assert_eq!(
            canonical_url("http://example.com:80/a?utm_medium=y&gclid=z").as_deref(),
            Some("http://example.com/a")
        );
        assert_eq!(
            canonical_url("http://example.com:8080/a").as_deref(),
            Some("http://example.com:8080/a")
        );
        assert_eq!(
            canonical_url("https://bücher.example/a").as_deref(),
            Some("https://xn--bcher-kva.example/a")
        );
        assert_eq!(canonical_url("not a url"), None);
        assert_eq!(canonical_url("ftp://example.com/x"), None);
        assert_eq!(canonical_url("mailto:a@b.c"), None);
    }

    #[test]
    fn source_is_the_registrable_domain() {
        assert_eq!(
            source_from_url("http://www.bbc.co.uk/news/uk-39319495").as_deref(),
            Some("bbc.co.uk")
        );
        assert_eq!(
            source_from_url("https://edition.cnn.com/2017/a").as_deref(),
            Some("cnn.com")
        );
        assert_eq!(
            source_from_url("http://127.0.0.1:8080/x").as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(source_from_url("garbage"), None);
    }
}
