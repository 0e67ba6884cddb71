use super::bundle::Bundle;
use super::*;
use model::Field;

fn bundle() -> Bundle {
    Bundle::parse(include_bytes!("../../tests/fixtures/bundles/small.json")).unwrap()
}

fn search(text: &str, cloud: Option<&str>, topic: Option<&str>) -> Vec<(String, bool)> {
    let b = bundle();
    let q = Query { text: text.into(), cloud: cloud.map(Into::into), support_topic: topic.map(Into::into), limit: 10 };
    Index::build(&b)
        .search(&b, &q)
        .into_iter()
        .map(|h| (b.articles[h.article].path.clone(), h.signature.is_some()))
        .collect()
}

#[test]
fn exact_signature_match_ranks_first() {
    let hits = search("py4j.security.Py4JSecurityException: Method ... is not whitelisted", None, None);
    assert_eq!(hits[0], ("articles/databricks/passthrough.md".into(), true));
}

#[test]
fn an_exact_signature_match_raises_the_score_above_a_better_word_match() {
    // "secrets security scope" scores the secrets article well, but the
    // quoted message is the passthrough article's signature, which doubles
    // its score.
    let q = "secrets security scope scope py4j.security.Py4JSecurityException: ... is not whitelisted";
    assert_eq!(search(q, None, None)[0].0, "articles/databricks/passthrough.md");
}

#[test]
fn finds_articles_by_words_without_a_signature() {
    let hits = search("invalid access token", None, None);
    assert_eq!(hits[0], ("articles/databricks/tokens.md".into(), false));
}

#[test]
fn filters_by_cloud_and_support_topic() {
    assert!(search("py4j security exception", Some("mooncake"), None).iter().all(|h| !h.0.contains("passthrough")));
    let hits = search("secret token", None, Some("32677718"));
    assert!(!hits.is_empty() && hits.iter().all(|h| !h.0.contains("passthrough") && !h.0.contains("storage")));
}

#[test]
fn unrelated_query_finds_nothing() {
    assert!(search("kubernetes ingress controller", None, None).is_empty());
}

#[test]
fn camel_case_identifiers_match_their_words() {
    let hits = search("authorization permission mismatch", None, None);
    assert_eq!(hits[0].0, "articles/storage/mismatch.md");
}

#[test]
fn reports_matched_terms_per_field() {
    let b = bundle();
    let why = matched_terms(&b.articles[2], "invalid token cli");
    assert_eq!(why[0], (Field::Title, vec!["invalid".to_string(), "token".to_string()]));
}

#[test]
fn rejects_bundles_of_another_schema_version() {
    let err = Bundle::parse(br#"{"schemaVersion": 2, "articles": []}"#).unwrap_err();
    assert!(err.to_string().contains("schemaVersion 2"));
}

#[test]
fn drops_hits_far_below_the_best() {
    // "scope" is only in the secrets article; "matters" is a weak extra word.
    let hits = search("secret scope keys", None, None);
    assert_eq!(hits.len(), 1, "{hits:?}");
}

#[test]
fn explain_returns_the_search_hits_with_their_matched_terms() {
    let b = bundle();
    let index = Index::build(&b);
    let q = Query { text: "invalid access token".into(), limit: 10, ..Query::default() };
    let explained = index.explain(&b, &q);
    let hits = index.search(&b, &q);
    assert_eq!(explained.len(), hits.len());
    for (m, h) in explained.iter().zip(&hits) {
        assert_eq!((m.hit.article, m.hit.score), (h.article, h.score));
        assert_eq!(m.terms, matched_terms(&b.articles[h.article], &q.text));
    }
    assert!(!explained[0].terms.is_empty());
}

#[test]
fn a_smaller_limit_keeps_the_head_of_the_same_ranking() {
    let b = bundle();
    let index = Index::build(&b);
    let ranked = |limit| {
        let q = Query { text: "token secret scope storage access".into(), limit, ..Query::default() };
        index.search(&b, &q).into_iter().map(|h| h.article).collect::<Vec<_>>()
    };
    let all = ranked(10);
    assert!(all.len() >= 2, "{all:?}");
    for limit in 0..all.len() {
        assert_eq!(ranked(limit), all[..limit], "limit {limit}");
    }
}
