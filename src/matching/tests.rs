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
        .search(&q)
        .unwrap()
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
    let q = Query { text: "invalid token cli".into(), limit: 1, ..Query::default() };
    let m = &Index::build(&b).explain(&q).unwrap()[0];
    assert_eq!(m.doc.path, "articles/databricks/tokens.md");
    assert_eq!(m.terms[0], (Field::Title, vec!["invalid".to_string(), "token".to_string()]));
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
    let explained = index.explain(&q).unwrap();
    let hits = index.search(&q).unwrap();
    assert_eq!(explained.len(), hits.len());
    for (m, h) in explained.iter().zip(&hits) {
        assert_eq!((m.hit.article, m.hit.score), (h.article, h.score));
        assert_eq!(m.doc.path, b.articles[h.article].path);
    }
    assert!(!explained[0].terms.is_empty());
}

#[test]
fn a_smaller_limit_keeps_the_head_of_the_same_ranking() {
    let b = bundle();
    let index = Index::build(&b);
    let ranked = |limit| {
        let q = Query { text: "token secret scope storage access".into(), limit, ..Query::default() };
        index.search(&q).unwrap().into_iter().map(|h| h.article).collect::<Vec<_>>()
    };
    let all = ranked(10);
    assert!(all.len() >= 2, "{all:?}");
    for limit in 0..all.len() {
        assert_eq!(ranked(limit), all[..limit], "limit {limit}");
    }
}

#[test]
fn the_index_file_answers_like_the_index_in_memory() {
    let b = bundle();
    let mut bytes = Vec::new();
    store::write(&mut bytes, &b.articles, 1234).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(store::FILE);
    std::fs::write(&path, &bytes).unwrap();
    let file = Index::open(std::fs::File::open(&path).unwrap()).unwrap();
    assert_eq!((file.bundle_len(), file.len()), (1234, b.articles.len()));
    let memory = Index::build(&b);
    for text in ["py4j.security.Py4JSecurityException: Method ... is not whitelisted", "secret scope token", "x"] {
        let q = Query { text: text.into(), limit: 10, ..Query::default() };
        let (a, m) = (file.explain(&q).unwrap(), memory.explain(&q).unwrap());
        let key = |v: &[Match]| v.iter().map(|m| (m.doc.clone(), m.hit.score, m.terms.clone())).collect::<Vec<_>>();
        assert_eq!(key(&a), key(&m), "{text}");
    }
}

#[test]
fn a_damaged_index_is_an_error_not_a_panic() {
    let b = bundle();
    let mut bytes = Vec::new();
    store::write(&mut bytes, &b.articles, 0).unwrap();
    for cut in [0, 10, 60, bytes.len() / 2, bytes.len() - 1] {
        let head = bytes[..cut].to_vec();
        if let Ok(store) = store::Store::open(Box::new(head)) {
            let index = Index { store };
            let q = Query { text: "secret scope token".into(), limit: 10, ..Query::default() };
            let _ = index.explain(&q);
        }
    }
    let mut bad = bytes.clone();
    bad[0] = b'x';
    assert!(store::Store::open(Box::new(bad)).is_err());
}

#[test]
fn the_index_from_terms_documents_is_the_index_from_the_articles() {
    let raw: serde_json::Value =
        serde_json::from_slice(include_bytes!("../../tests/fixtures/bundles/small.json")).unwrap();
    let one: Vec<Vec<u8>> =
        raw["articles"].as_array().unwrap().iter().map(|a| serde_json::to_vec(a).unwrap()).collect();
    // Over two runs of articles (`store::RUN`), so postings span runs.
    let entries: Vec<Vec<u8>> = one.iter().cycle().take(1100).cloned().collect();
    let articles: Vec<bundle::Article> = entries.iter().map(|e| serde_json::from_slice(e).unwrap()).collect();
    let docs: Vec<Vec<u8>> = articles.iter().map(terms::document).collect();
    let (mut direct, mut from_docs) = (Vec::new(), Vec::new());
    store::write(&mut direct, &articles, 7).unwrap();
    store::write_json(&mut from_docs, entries.len(), |i| Ok(entries[i].clone()), |i| Ok(docs[i].clone()), 7).unwrap();
    assert!(direct == from_docs, "the two ways of building match.idx differ");
    assert!(store::Store::open(Box::new(direct)).unwrap().n_docs == 1100);
}
