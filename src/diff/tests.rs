use super::*;
use serde_json::json;

fn articles(list: Value) -> Articles {
    let mut out = Articles::new();
    for a in list.as_array().unwrap() {
        out.insert(a["articleId"].as_str().unwrap().to_string(), a.as_object().unwrap().clone());
    }
    out
}

fn art(id: &str, path: &str, title: &str, hash: &str) -> Value {
    json!({"articleId": id, "path": path, "title": title, "steps": ["a"], "contentHash": hash})
}

#[test]
fn reports_added_removed_and_changed_articles_with_fields() {
    let old = articles(json!([art("1", "a.md", "A", "h1"), art("2", "b.md", "B", "h2"), art("3", "c.md", "C", "h3")]));
    let new =
        articles(json!([art("1", "a.md", "A2", "h1x"), art("3", "c.md", "C", "h3"), art("4", "d.md", "D", "h4")]));
    let d = compare("public", &old, &new);
    assert_eq!(d.added.iter().map(|e| e.path.as_str()).collect::<Vec<_>>(), ["d.md"]);
    assert_eq!(d.removed.iter().map(|e| e.path.as_str()).collect::<Vec<_>>(), ["b.md"]);
    assert_eq!(d.changed.len(), 1);
    assert_eq!(d.changed[0].fields, ["title"]);
    assert_eq!((d.changed[0].old_content_hash.as_str(), d.changed[0].new_content_hash.as_str()), ("h1", "h1x"));
    assert_eq!(d.unchanged, 1);
}

#[test]
fn a_moved_article_is_changed_not_added_and_removed() {
    let old = articles(json!([art("1", "old/a.md", "A", "h")]));
    let new = articles(json!([art("1", "new/a.md", "A", "h")]));
    let d = compare("fairfax", &old, &new);
    assert!(d.added.is_empty() && d.removed.is_empty());
    assert_eq!(d.changed[0].fields, ["path"]);
}

#[test]
fn identical_bundles_have_no_differences() {
    let a = articles(json!([art("1", "a.md", "A", "h")]));
    let d = compare("public", &a, &a.clone());
    assert!(d.is_empty());
    assert_eq!(d.unchanged, 1);
}

#[test]
fn a_hash_change_alone_is_a_change_with_no_fields() {
    let old = articles(json!([art("1", "a.md", "A", "h")]));
    let new = articles(json!([art("1", "a.md", "A", "h2")]));
    let d = compare("public", &old, &new);
    assert_eq!(d.changed.len(), 1);
    assert!(d.changed[0].fields.is_empty());
}

#[test]
fn names_the_changed_keys_inside_properties() {
    let mut a = art("1", "a.md", "A", "h");
    a["properties"] = json!({"pageTitle": "A", "disableClouds": "", "service": "x"});
    let mut b = art("1", "a.md", "A", "h2");
    b["properties"] = json!({"pageTitle": "A", "disableClouds": "mooncake", "service": "x"});
    let d = compare("public", &articles(json!([a])), &articles(json!([b])));
    assert_eq!(d.changed[0].fields, ["properties.disableClouds"]);
}
