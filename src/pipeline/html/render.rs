//! The article's HTML as readability found it, made precise and rendered to paragraphs.
//!
//! Readability picks the right container but keeps what sits inside it: figures and captions,
//! share bars, "related" lists, newsletter boxes, galleries. This pass drops them by what they
//! are (element, ARIA role, class and id words) and by how they read (blocks that are mostly link
//! text), never an element holding a large part of the article, then writes one paragraph per
//! block element.

use dom_query::{Document, NodeId, NodeRef};
use std::collections::HashMap;

/// Elements that are never article text.
const DROP_ELEMENTS: &str = "figure, figcaption, picture, aside, nav, button, form, input, select, \
    textarea, svg, noscript, iframe, video, audio, object, embed, canvas, map, dialog, template, \
    style, script, [role=navigation], [role=complementary], [role=dialog], [role=banner], \
    [role=contentinfo], [role=button], [role=toolbar], [role=menu], [aria-hidden=true], [hidden]";

/// Words in class or id that mark page furniture.
const NOISE_WORDS: &[&str] = &[
    "caption",
    "credit",
    "credits",
    "share",
    "sharing",
    "sharebar",
    "social",
    "related",
    "recommended",
    "recommendations",
    "newsletter",
    "subscribe",
    "subscription",
    "signup",
    "promo",
    "promotion",
    "advert",
    "advertisement",
    "ad",
    "ads",
    "adsbygoogle",
    "adslot",
    "sponsor",
    "sponsored",
    "outbrain",
    "taboola",
    "comment",
    "comments",
    "disqus",
    "byline",
    "bio",
    "tags",
    "taglist",
    "breadcrumb",
    "breadcrumbs",
    "pagination",
    "pager",
    "toolbar",
    "widget",
    "sidebar",
    "modal",
    "popup",
    "cookie",
    "consent",
    "gdpr",
    "paywall",
    "meter",
    "readmore",
    "trending",
    "popular",
    "mostread",
    "print",
    "follow",
    "menu",
    "skip",
    "sronly",
    "visuallyhidden",
    "screenreader",
    "hidden",
    "gallery",
    "slideshow",
    "carousel",
    "embed",
    "video",
    "podcast",
    "audio",
    "toc",
    "footer",
    "masthead",
    "inline-ad",
    "dfp",
    "affiliate",
    "commerce",
    "shopping",
    "cta",
    "banner",
    "tooltip",
];
/// Compound class words built from the noise words ("author-bio", "more-stories").
const NOISE_PHRASES: &[&str] = &[
    "authorbio",
    "aboutauthor",
    "authorinfo",
    "authorbox",
    "morestories",
    // "player" alone may be a sports player's table row ("player-2020-580").
    "videoplayer",
    "audioplayer",
    "mediaplayer",
    "jwplayer",
    "playercontainer",
    "playerwrap",
    "relatedarticles",
    "relatedposts",
    "relatedcontent",
    "readnext",
    "upnext",
    "moreon",
    "youmightlike",
    "recirculation",
    "recirc",
    "endofarticle",
    "articlefooter",
    "postfooter",
    "entryfooter",
    "sharebuttons",
    "socialshare",
    "newsletterbox",
    "emailsignup",
    "linkslist",
    "tagcloud",
];

/// Class and id phrases that name a container of other stories, whatever its size: teaser
/// lists and "more stories" blocks that readability takes in beside a short story can hold more
/// text than the story itself. One "teaser" may be the story's own lead, so only the plural.
const OTHER_STORIES: &[&str] = &[
    "teasers",
    "articlelist",
    "storylist",
    "postlist",
    "morestories",
    "relatedarticles",
    "relatedposts",
    "readnext",
    "upnext",
    "youmightlike",
    "recirculation",
];

fn names_other_stories(words: &[String]) -> bool {
    let joined: String = words.concat();
    !joined.is_empty() && OTHER_STORIES.iter().any(|p| joined.contains(p))
}

fn class_words(node: &NodeRef) -> Vec<String> {
    let mut raw = String::new();
    if let Some(c) = node.class() {
        raw.push_str(&c);
        raw.push(' ');
    }
    if let Some(i) = node.id_attr() {
        raw.push_str(&i);
    }
    raw.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_lowercase())
        .collect()
}

fn is_noise_by_name(words: &[String]) -> bool {
    if words.is_empty() {
        return false;
    }
    // "article-content" or "entry-content" containers are content, whatever else they say.
    if words.iter().any(|w| {
        matches!(
            w.as_str(),
            "content" | "body" | "text" | "story" | "article" | "entry" | "post"
        )
    }) && words.len() > 2
    {
        return false;
    }
    let joined: String = words.concat();
    words.iter().any(|w| NOISE_WORDS.contains(&w.as_str()))
        || NOISE_PHRASES.iter().any(|p| joined.contains(p))
}

/// Characters of text (whitespace aside) under every node, and of link text among them, in one
/// post-order pass: linear however deep the tree.
fn measure(root: &NodeRef) -> HashMap<NodeId, (usize, usize)> {
    let mut sizes: HashMap<NodeId, (usize, usize)> = HashMap::new();
    let mut stack: Vec<(NodeRef, bool, bool)> = vec![(*root, false, false)];
    while let Some((node, expanded, in_link)) = stack.pop() {
        if !expanded {
            let link = in_link || node.node_name().is_some_and(|n| &*n == "a");
            stack.push((node, true, in_link));
            stack.extend(node.children_it(false).map(|c| (c, false, link)));
            continue;
        }
        let size = if node.is_text() {
            let n = node.text().chars().filter(|c| !c.is_whitespace()).count();
            (n, if in_link { n } else { 0 })
        } else {
            node.children_it(false)
                .filter_map(|c| sizes.get(&c.id).copied())
                .fold((0, 0), |(t, l), (ct, cl)| (t + ct, l + cl))
        };
        sizes.insert(node.id, size);
    }
    sizes
}

const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "header",
    "main",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "tr",
    "td",
    "th",
    "hr",
    "br",
    "address",
    "details",
    "summary",
    "center",
];

/// Cleans the article HTML and renders it as paragraphs separated by blank lines.
pub fn render(article_html: &str) -> String {
    let doc = Document::fragment(article_html);
    doc.select(DROP_ELEMENTS).remove();
    let root = doc.root();
    let sizes = measure(&root);
    let (total, _) = sizes.get(&root.id).copied().unwrap_or_default();
    // An element holding this much of the article is never dropped by name or links.
    let guard = (total / 3).max(400);

    // Pre-order, not descending into what is dropped.
    let mut doomed: Vec<NodeRef> = Vec::new();
    let mut stack: Vec<NodeRef> = root.children_it(true).collect();
    while let Some(node) = stack.pop() {
        if !node.is_element() {
            continue;
        }
        let name = node.node_name().map(|n| n.to_string()).unwrap_or_default();
        let (text, links) = sizes.get(&node.id).copied().unwrap_or_default();
        // Never the element holding most of the article, though.
        // Class and id words read once per element, for both name checks.
        let words = class_words(&node);
        if text < total * 2 / 3 && names_other_stories(&words) {
            doomed.push(node);
            continue;
        }
        if text < guard {
            let noisy = is_noise_by_name(&words);
            // Blocks that are mostly links: lists of other stories, tag clouds, share bars.
            let link_dense = matches!(
                name.as_str(),
                "ul" | "ol" | "li" | "div" | "section" | "p" | "table" | "dl"
            ) && text > 0
                && links * 10 >= text * 6
                && (name != "p" || text < 200);
            if noisy || link_dense {
                doomed.push(node);
                continue;
            }
        }
        stack.extend(node.children_it(true));
    }
    for d in doomed {
        d.remove_from_parent();
    }

    let mut out = String::with_capacity(article_html.len() / 2);
    let mut line = String::new();
    write_node(&root, &mut out, &mut line);
    flush(&mut out, &mut line);
    out
}

/// Class and id words that put a paragraph outside the story in [`paragraphs`]: fewer than
/// [`NOISE_WORDS`], since there the story itself sits in gallery slides and captioned items.
const FALLBACK_FURNITURE: &[&str] = &[
    "comment",
    "comments",
    "related",
    "recommended",
    "sidebar",
    "footer",
    "newsletter",
    "promo",
    "share",
    "social",
    "nav",
    "menu",
    "breadcrumb",
    "byline",
    "author",
    "bio",
    "cookie",
    "consent",
    "subscribe",
    "signup",
    "widget",
    "trending",
    "popular",
    "caption",
    "credit",
    "disclaimer",
    "advert",
    "ad",
];

/// Containers above a paragraph whose class and id [`paragraphs`] reads.
const FALLBACK_LEVELS: usize = 4;

/// Shortest paragraph [`paragraphs`] keeps: shorter ones on a page are mostly teasers, bylines
/// and captions.
const MIN_PARAGRAPH_CHARS: usize = 60;

/// The page's long paragraphs outside its furniture, in page order: the fallback when
/// readability settles on a fragment (galleries and listicles spread the story over many
/// sibling containers, one slide or item each).
pub fn paragraphs(html: &str) -> String {
    let doc = Document::from(html);
    doc.select(DROP_ELEMENTS).remove();
    doc.select("header, footer").remove();
    let mut out = String::new();
    for p in doc.select("p").nodes() {
        let text = p.text();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.chars().count() < MIN_PARAGRAPH_CHARS {
            continue;
        }
        let links: usize = p
            .descendants_it()
            .filter(|n| n.node_name().is_some_and(|name| &*name == "a"))
            .map(|a| a.text().split_whitespace().map(str::len).sum::<usize>())
            .sum();
        if links * 2 > text.len() {
            continue;
        }
        // Only the nearest containers: the outer ones name the page's layout ("has-sidebar",
        // "react-widget" on the body), not what the paragraph is.
        let furniture = std::iter::successors(p.parent(), |n| n.parent())
            .take(FALLBACK_LEVELS)
            .any(|node| {
                node.is_element()
                    && !node
                        .node_name()
                        .is_some_and(|n| matches!(&*n, "body" | "html"))
                    && class_words(&node)
                        .iter()
                        .any(|w| FALLBACK_FURNITURE.contains(&w.as_str()))
            });
        if !furniture {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(&text);
        }
    }
    out
}

fn flush(out: &mut String, line: &mut String) {
    let t = line.split_whitespace().collect::<Vec<_>>().join(" ");
    if !t.is_empty() {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&t);
    }
    line.clear();
}

/// Depth-first text with paragraph breaks at block elements (iterative: hostile nesting cannot
/// exhaust the stack).
fn write_node(root: &NodeRef, out: &mut String, line: &mut String) {
    enum Step<'a> {
        Enter(NodeRef<'a>),
        Leave(bool),
    }
    let mut stack: Vec<Step> = root.children_it(true).map(Step::Enter).collect();
    while let Some(step) = stack.pop() {
        match step {
            Step::Leave(block) => {
                if block {
                    flush(out, line);
                }
            }
            Step::Enter(node) => {
                if node.is_text() {
                    line.push_str(&node.text());
                    continue;
                }
                if !node.is_element() {
                    continue;
                }
                let name = node.node_name().map(|n| n.to_string()).unwrap_or_default();
                let block = BLOCKS.contains(&name.as_str());
                if block {
                    flush(out, line);
                }
                if name == "br" || name == "hr" {
                    continue;
                }
                if matches!(name.as_str(), "td" | "th") {
                    line.push(' ');
                }
                stack.push(Step::Leave(block));
                stack.extend(node.children_it(true).map(Step::Enter));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn furniture_goes_paragraphs_stay() {
        let html = r##"<div class="article-body entry-content">
            <figure><img src="x.jpg"><figcaption>A caption. Photo: Reuters</figcaption></figure>
            <p>The council approved the plan on Tuesday after a long debate about the harbour.</p>
            <div class="share-bar"><a href="#">Facebook</a> <a href="#">Twitter</a></div>
            <h2>What comes next</h2>
            <p>Construction starts in spring, the mayor said, <a href="/x">according to the plan</a>.</p>
            <ul class="list"><li><a href="/a">Other story one</a></li><li><a href="/b">Other story two</a></li></ul>
            <div class="newsletter-signup">Sign up for our newsletter</div>
            <p>Line one<br>line two</p>
        </div>"##;
        let text = render(html);
        assert_eq!(
            text,
            "The council approved the plan on Tuesday after a long debate about the harbour.\n\n\
             What comes next\n\n\
             Construction starts in spring, the mayor said, according to the plan.\n\n\
             Line one\n\nline two"
        );
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = format!("{}text{}", "<div>".repeat(900), "</div>".repeat(900));
        assert_eq!(render(&html), "text");
    }
}
