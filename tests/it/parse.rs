//! The parser on the quirks real article files contain, through the library:
//! bytes -> `SourceFile::decode` -> `Article::parse`, and the findings the
//! parser's facts give (`missing-properties`, `malformed-properties`). Each
//! test names one quirk.

use kbc::article::Article;
use kbc::config::Config;
use kbc::diagnostic::Diagnostic;
use kbc::lint::{self, Levels};
use kbc::source::{DecodeError, SourceFile};

/// An article and the findings of the rules over what its parser found.
struct Parsed {
    article: Article,
    diagnostics: Vec<Diagnostic>,
}

fn parse(source: SourceFile) -> Parsed {
    let levels = Levels::only(&["missing-properties", "malformed-properties"]);
    let diagnostics = lint::check_sources(vec![source.clone()], &Config::default(), &levels).1;
    Parsed { article: Article::parse(source), diagnostics }
}

fn parse_bytes(bytes: &[u8]) -> Parsed {
    parse(SourceFile::decode("a.md".into(), bytes.to_vec()).expect("decodes"))
}

/// `(code, line, column, message)` of each parser finding.
fn findings(p: &Parsed) -> Vec<(&'static str, usize, usize, String)> {
    p.diagnostics
        .iter()
        .map(|d| {
            let (line, col) = p.article.source.line_col(d.span.start);
            (d.code, line, col, d.message.clone())
        })
        .collect()
}

/// Attribute names and values as read.
fn attrs(p: &Parsed) -> Vec<(&str, &str)> {
    p.article.props.attrs.iter().map(|a| (a.name.as_str(), a.value.as_str())).collect()
}

/// The text a span of the article covers.
fn at(p: &Parsed, span: &std::ops::Range<usize>) -> String {
    p.article.source.text[span.clone()].to_string()
}

#[test]
fn reads_a_header_after_a_utf8_byte_order_mark() {
    let p = parse_bytes(b"\xEF\xBB\xBF<properties pageTitle=\"T\" />\n# T\n");
    assert!(p.diagnostics.is_empty(), "{:?}", findings(&p));
    assert!(p.article.source.bom);
    assert_eq!(attrs(&p), [("pageTitle", "T")]);
}

#[test]
fn reads_a_header_after_a_doubled_byte_order_mark() {
    let p = parse_bytes(b"\xEF\xBB\xBF\xEF\xBB\xBF<properties pageTitle=\"T\" />\n");
    assert!(p.diagnostics.is_empty(), "{:?}", findings(&p));
    assert!(p.article.has_header);
}

#[test]
fn reads_crlf_headers_with_exact_positions() {
    let p = parse_bytes(b"<properties\r\n  pageTitle=\"T\"\r\n  articleId=\"x-1\"\r\n/>\r\n# T\r\n");
    assert!(p.diagnostics.is_empty(), "{:?}", findings(&p));
    let id = p.article.props.get("articleId").unwrap();
    assert_eq!(at(&p, &id.value_span), "x-1");
    assert_eq!(p.article.source.line_col(id.value_span.start), (3, 14));
}

#[test]
fn skips_blank_lines_and_html_comments_before_the_header() {
    let p = parse_bytes(b"\n\n<!-- owner: team -->\n<!--\nmulti-line\n-->\n\n<properties pageTitle=\"T\" />\n");
    assert!(p.diagnostics.is_empty(), "{:?}", findings(&p));
    assert_eq!(p.article.source.line_col(p.article.props.span.start), (8, 1));
}

#[test]
fn reads_single_and_double_quoted_values_across_lines() {
    let p =
        parse_bytes(b"<properties\n  description='say hi'\n  pageTitle=\"one\n  two\"\n  resourceTags='a \"b\"'\n/>\n");
    assert!(p.diagnostics.is_empty(), "{:?}", findings(&p));
    let found = attrs(&p);
    assert!(found.contains(&("description", "say hi")), "{found:?}");
    // The line break is read as XML reads it: as a space.
    assert!(found.contains(&("pageTitle", "one   two")), "{found:?}");
    assert!(found.contains(&("resourceTags", "a \"b\"")), "{found:?}");
}

#[test]
fn maps_attribute_names_in_any_case_to_the_canonical_name() {
    let p = parse_bytes(b"<properties articleid=\"a\" ArticleID=\"b\" SELFHELPTYPE=\"generic\" />\n");
    let canon: Vec<_> = p.article.props.attrs.iter().map(|a| (a.name.as_str(), a.canonical)).collect();
    assert_eq!(
        canon,
        [("articleid", Some("articleId")), ("ArticleID", Some("articleId")), ("SELFHELPTYPE", Some("selfHelpType"))]
    );
    assert_eq!(p.article.props.value("articleId"), Some("a"));
}

#[test]
fn keeps_duplicate_attributes_for_the_duplicate_rule() {
    let p = parse_bytes(b"<properties articleId=\"a\" articleId=\"b\" />\n");
    assert!(p.diagnostics.is_empty(), "{:?}", findings(&p));
    assert_eq!(attrs(&p), [("articleId", "a"), ("articleId", "b")]);
}

#[test]
fn accepts_a_closing_properties_element() {
    let p = parse_bytes(b"<properties pageTitle=\"T\">\n</properties>\n# T\n");
    assert!(p.diagnostics.is_empty(), "{:?}", findings(&p));
    assert!(at(&p, &p.article.props.span).ends_with("</properties>"));
    assert_eq!(p.article.body.headings[0].text, "T");
}

#[test]
fn reports_invalid_utf8_nul_and_utf16_when_decoding() {
    let bad = SourceFile::decode("a.md".into(), b"<properties pageTitle=\"caf\xE9\" />".to_vec());
    assert!(matches!(bad, Err(DecodeError::InvalidUtf8 { line: 1, column: 27, .. })), "{bad:?}");
    let nul = SourceFile::decode("a.md".into(), b"<properties\n\0".to_vec());
    assert!(matches!(nul, Err(DecodeError::Nul { line: 2, column: 1, .. })), "{nul:?}");
    let utf16 = SourceFile::decode("a.md".into(), b"\xFF\xFE<\0p\0".to_vec());
    assert_eq!(utf16.unwrap_err(), DecodeError::Utf16);
}

#[test]
fn reports_an_unclosed_quote_at_the_quote_and_reads_the_next_attributes() {
    let p = parse_bytes(b"<properties\n    ms.author=\"jdoe\n    displayOrder=\"2\"\n/>\n");
    assert_eq!(findings(&p), [("KB002", 2, 15, "unclosed quote in header attribute value".into())]);
    assert_eq!(p.article.props.value("displayOrder"), Some("2"));
}

#[test]
fn reports_a_missing_equals_sign_at_the_name() {
    let p = parse_bytes(b"<properties pageTitle \"T\" articleId=\"x\" />\n");
    assert_eq!(findings(&p)[0].0, "KB002");
    assert_eq!(p.diagnostics.len(), 1, "{:?}", findings(&p));
    assert_eq!(at(&p, &p.diagnostics[0].span), "pageTitle");
    assert_eq!(attrs(&p), [("pageTitle", "T"), ("articleId", "x")]);
}

#[test]
fn reports_stray_text_between_attributes() {
    let p = parse_bytes(b"<properties pageTitle=\"T\" oops articleId=\"x\" />\n");
    assert_eq!(p.diagnostics.len(), 1, "{:?}", findings(&p));
    assert_eq!(at(&p, &p.diagnostics[0].span), "oops");
    assert_eq!(p.article.props.value("articleId"), Some("x"));
}

#[test]
fn reports_quoted_stray_text_between_attributes() {
    let p = parse_bytes(b"<properties pageTitle=\"T\" \"oops\" articleId=\"x\" />\n");
    assert_eq!(findings(&p), [("KB002", 1, 27, "stray text \"oops\" in header".into())]);
    assert_eq!(attrs(&p), [("pageTitle", "T"), ("articleId", "x")]);
}

#[test]
fn reports_a_header_that_is_never_closed() {
    let p = parse_bytes(b"<properties pageTitle=\"T\"\n\n# Title\n\nBody\n");
    assert_eq!(findings(&p), [("KB002", 1, 1, "the <properties> header is never closed".into())]);
    assert_eq!(p.article.props.value("pageTitle"), Some("T"));
}

#[test]
fn reports_a_file_with_no_properties_at_all() {
    let p = parse_bytes(b"# Just a title\n\nText.\n");
    assert_eq!(findings(&p), [("KB001", 1, 1, "article has no <properties> header".into())]);
    assert!(!p.article.has_header);
}

#[test]
fn reports_a_header_below_the_title() {
    let p = parse_bytes(b"# Title\n\n<properties pageTitle=\"T\" />\n");
    assert_eq!(findings(&p), [("KB001", 3, 1, "the <properties> header is not at the top of the file".into())]);
}

#[test]
fn names_an_invisible_character_after_a_value() {
    let p = parse_bytes("<properties\n    productPesIds=\"15663\"\u{200B}\n    articleId=\"x\"\n/>\n".as_bytes());
    assert_eq!(
        findings(&p),
        [("KB002", 2, 26, "unexpected invisible character U+200B ZERO WIDTH SPACE in header".into())]
    );
    assert_eq!(at(&p, &p.diagnostics[0].span), "\u{200B}");
    assert_eq!(p.article.props.value("articleId"), Some("x"));
}

#[test]
fn names_a_no_break_space_between_attributes() {
    let p = parse_bytes("<properties pageTitle=\"T\"\u{A0}articleId=\"x\" />\n".as_bytes());
    assert_eq!(p.diagnostics.len(), 1, "{:?}", findings(&p));
    assert!(p.diagnostics[0].message.contains("U+00A0 NO-BREAK SPACE"));
    assert_eq!(attrs(&p), [("pageTitle", "T"), ("articleId", "x")]);
}

#[test]
fn reports_a_doubled_closing_quote_once_and_reads_the_next_lines() {
    let p = parse_bytes(b"<properties\n    description=\"text\"\"\n    service=\"microsoft.intune\"\n/>\n");
    assert_eq!(findings(&p), [("KB002", 2, 23, "stray quote after the end of an attribute value".into())]);
    assert_eq!(attrs(&p), [("description", "text"), ("service", "microsoft.intune")]);
}

#[test]
fn decodes_xml_entities_in_values_but_keeps_the_raw_span() {
    let p = parse_bytes(b"<properties pageTitle=\"Tom &amp; Jerry\" />\n");
    let t = p.article.props.get("pageTitle").unwrap();
    assert_eq!(t.value, "Tom & Jerry");
    assert_eq!(at(&p, &t.value_span), "Tom &amp; Jerry");
}

#[test]
fn reads_the_element_name_in_any_case() {
    let p = parse_bytes(b"<Properties pageTitle=\"T\"></PROPERTIES>\n# T\n");
    assert!(p.diagnostics.is_empty(), "{:?}", findings(&p));
    assert_eq!(attrs(&p), [("pageTitle", "T")]);
}

#[test]
fn ignores_tag_endings_inside_quoted_values() {
    let p = parse_bytes(b"<properties description=\"a /> b > c\" pageTitle='x/>' />\n# T\n");
    assert!(p.diagnostics.is_empty(), "{:?}", findings(&p));
    assert_eq!(attrs(&p), [("description", "a /> b > c"), ("pageTitle", "x/>")]);
}

/// On a real knowledge base (`KBC_CORPUS`), every header problem points at
/// visible text or a named invisible character, never at blanks, and no file
/// gets more than a handful: one mistake, one finding.
#[test]
fn header_problems_in_the_corpus_point_at_what_is_wrong() {
    let Some(root) = crate::common::gate::require_corpus() else { return };
    let found = kbc::discover::discover(&root, &root.join("articles"));
    assert!(found.sources.len() > 10_000);
    for source in found.sources {
        let p = parse(source);
        assert!(p.diagnostics.len() <= 3, "{}: {:?}", p.article.path(), findings(&p));
        for d in &p.diagnostics {
            let covered = at(&p, &d.span);
            let named = d.message.contains("invisible character U+");
            assert!(named || !covered.trim().is_empty(), "{}: {} at {covered:?}", p.article.path(), d.message);
        }
    }
}
