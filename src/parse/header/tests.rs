use super::*;

fn found(text: &str) -> (Header, Vec<HeaderProblem>) {
    match scan(text) {
        Scan::Found { header, problems } => (header, problems),
        Scan::Missing { .. } => panic!("no header in {text:?}"),
    }
}

#[test]
fn problem_spans_stay_on_character_boundaries() {
    // Found by fuzzing: a stray quote, then a line starting with `é`.
    for text in ["<properties\n    a=\"x\"\n    bc\"\n\u{e9}    c=\"1\"\n/>\n", "<properties a b\"\u{e9}\" />"] {
        let (h, problems) = found(text);
        for span in problems.iter().map(|p| &p.span).chain(h.attrs.iter().map(|a| &a.value_span)) {
            assert!(text.get(span.clone()).is_some(), "{span:?} in {text:?}");
        }
    }
}

#[test]
fn reads_attributes_with_spans() {
    let text = "<properties\n  pageTitle=\"Hi &amp; bye\"\n  articleid='x1' />\n# T";
    let (h, p) = found(text);
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(h.attrs.len(), 2);
    assert_eq!(h.attrs[0].value, "Hi & bye");
    assert_eq!(&text[h.attrs[0].value_span.clone()], "Hi &amp; bye");
    assert_eq!(h.attrs[1].canonical, Some("articleId"));
    assert_eq!(&text[h.attrs[1].name_span.clone()], "articleid");
    assert_eq!(&text[h.span.clone()], &text[..text.find("/>").unwrap() + 2]);
}

#[test]
fn accepts_comments_before_and_closing_element() {
    let text = "<!-- note -->\n\n<properties a=\"1\"></properties>\nbody";
    let (h, p) = found(text);
    assert!(p.is_empty());
    assert!(text[h.span].ends_with("</properties>"));
}

#[test]
fn reads_multi_line_values_as_xml_does() {
    let text = "<properties description=\"one\ntwo\r\nthree\tfour &#xA;five\" a=\"x\" />";
    let (h, p) = found(text);
    assert!(p.is_empty());
    assert_eq!(h.attrs[0].value, "one two three four \nfive");
    assert_eq!(&text[h.attrs[0].value_span.clone()], "one\ntwo\r\nthree\tfour &#xA;five");
    assert_eq!(h.attrs[1].value, "x");
}

#[test]
fn reports_unclosed_quote_and_keeps_later_attributes() {
    let text = "<properties\n a=\"1\n b=\"2\"\n/>";
    let (h, p) = found(text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].span.start, text.find('"').unwrap());
    assert!(h.attrs.iter().any(|a| a.name == "b" && a.value == "2"));
}

#[test]
fn reports_missing_equals_and_stray_text() {
    let text = "<properties a=\"1\" stray b=\"2\" />";
    let (h, p) = found(text);
    assert_eq!(p.len(), 1);
    assert_eq!(&text[p[0].span.clone()], "stray");
    assert_eq!(h.attrs.len(), 2);
}

#[test]
fn reports_unterminated_header_before_heading() {
    let (_, p) = found("<properties a=\"1\"\n\n# Title\n");
    assert!(p[0].message.contains("never closed"));
}

#[test]
fn names_an_invisible_character_after_a_value_and_keeps_reading() {
    let text = "<properties\n a=\"1\"\u{200B}\n b=\"2\"\n/>";
    let (h, p) = found(text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].message, "unexpected invisible character U+200B ZERO WIDTH SPACE in header");
    assert_eq!(&text[p[0].span.clone()], "\u{200B}");
    assert_eq!(h.attrs.len(), 2);
}

#[test]
fn reports_a_doubled_closing_quote_once_and_keeps_later_attributes() {
    let text = "<properties\n a=\"text\"\"\n    b=\"2\"\n/>";
    let (h, p) = found(text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].message, "stray quote after the end of an attribute value");
    assert_eq!(p[0].span.start, text.find("\"\"").unwrap() + 1);
    assert_eq!(
        h.attrs.iter().map(|a| (a.name.as_str(), a.value.as_str())).collect::<Vec<_>>(),
        [("a", "text"), ("b", "2")]
    );
}

#[test]
fn missing_equals_after_a_wide_space_stays_on_character_boundaries() {
    // Found by fuzzing: a no-break space inside a stray value before the word.
    let text = "<properties\nb=\"1\"\nb=\"1\" \"\"x\" <!--\u{FEFF}</properties>>";
    let (_, problems) = found(text);
    assert!(problems.iter().all(|p| text.get(p.span.clone()).is_some()), "{problems:?}");
    assert_eq!(word_before("\u{A0}ab c", 5), 2..4);
}

#[test]
fn skips_a_second_byte_order_mark_before_the_header() {
    let (h, p) = found("\u{FEFF}<properties a=\"1\" />");
    assert!(p.is_empty());
    assert_eq!(h.span.start, 3);
}

#[test]
fn reports_missing_header() {
    assert!(matches!(scan("# Title\n"), Scan::Missing { found_later: None }));
    assert!(matches!(scan("# T\n<properties a=\"1\"/>"), Scan::Missing { found_later: Some(4) }));
}

#[test]
fn keeps_the_value_of_a_name_whose_equals_sign_is_missing() {
    let text = "<properties\n  service \"x.y\"\n  resource=\"r\"\n/>";
    let (h, p) = found(text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].message, "expected `=` after `service` in header");
    assert_eq!(&text[p[0].span.clone()], "service");
    let got: Vec<_> = h.attrs.iter().map(|a| (a.name.as_str(), a.value.as_str())).collect();
    assert_eq!(got, [("service", "x.y"), ("resource", "r")]);
}

#[test]
fn reports_a_name_glued_to_its_value_once() {
    let text = "<properties a\"1\" b=\"2\" />";
    let (h, p) = found(text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(&text[p[0].span.clone()], "a");
    assert_eq!(h.attrs.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["b"]);
}

#[test]
fn reports_quoted_stray_text_once_and_keeps_later_attributes() {
    let text = "<properties a=\"1\" \"oops\" b=\"2\" />";
    let (h, p) = found(text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].message, "stray text \"oops\" in header");
    assert_eq!(&text[p[0].span.clone()], "\"oops\"");
    assert_eq!(h.attrs.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["a", "b"]);
}

#[test]
fn folds_a_run_of_stray_words_into_one_problem() {
    let text = "<properties pageTitle=\"T\" some text here articleId=\"x\" />";
    let (h, p) = found(text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].message, "stray text `some text here` in header");
    assert_eq!(h.attrs.len(), 2);
}

#[test]
fn names_stray_punctuation_between_attributes() {
    let text = "<properties\n  articleId=\"x\",\n  ownershipId=\"o\";\n/>";
    let (h, p) = found(text);
    let got: Vec<_> = p.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(got, ["stray `,` in header", "stray `;` in header"]);
    assert_eq!(h.attrs.len(), 2);
}

#[test]
fn reads_an_apostrophe_inside_a_single_quoted_value() {
    let text = "<properties\n  description='Can't connect'\n  pageTitle=\"T\"\n/>";
    let (h, p) = found(text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].span.start, text.find("n't").unwrap() + 1);
    let got: Vec<_> = h.attrs.iter().map(|a| (a.name.as_str(), a.value.as_str())).collect();
    assert_eq!(got, [("description", "Can't connect"), ("pageTitle", "T")]);
}

#[test]
fn keeps_an_unquoted_value_and_reports_it_once() {
    let text = "<properties pageTitle=\"x\" articleId=abc-1 ownershipId=o/>\n# T\n";
    let (h, p) = found(text);
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(p.iter().all(|p| p.message.contains("not quoted")));
    let id = h.attrs.iter().find(|a| a.name == "articleId").expect("articleId kept");
    assert_eq!((id.value.as_str(), &text[id.value_span.clone()]), ("abc-1", "abc-1"));
    assert_eq!(h.attrs.iter().find(|a| a.name == "ownershipId").map(|a| a.value.as_str()), Some("o"));
}

#[test]
fn reports_a_quote_left_open_at_the_end_of_the_file_once() {
    let (_, p) = found("<properties pageTitle=\"x\n");
    let unclosed = p.iter().filter(|p| p.message.starts_with("unclosed quote")).count();
    assert_eq!(unclosed, 1, "{p:?}");
}
