//! Articles grouped under keys that rules choose, for the rules that compare
//! articles with each other (two articles with one articleId, one file
//! name, one folder name…). Each such rule says under which keys an article
//! is grouped ([`Rule::group_keys`]) and, checking an article, asks
//! [`Context::group`](super::Context::group) for the articles under a key,
//! which records the key as read. When an article changes, the engine
//! updates the groups and runs the rule again over the articles that read
//! one of the changed article's keys, before or after the change: so these
//! rules re-check a few articles, not the whole knowledge base, and give
//! what a whole check gives.

use super::Rule;
use crate::article::{Article, Corpus};
use crate::config::Config;
use rayon::prelude::*;
use std::collections::HashMap;

/// The keys of one article: `(rule code, key)`, sorted, without repeats.
pub type Keys = Vec<(&'static str, String)>;

/// For each rule, each key's articles (their indices in the corpus, in
/// order). Indices, not paths: members are read for every article checked.
#[derive(Default)]
pub struct Groups {
    /// A handful of rules: a list is quicker than a map.
    by_rule: Vec<(&'static str, HashMap<String, Vec<usize>>)>,
    /// The source folder, relative to the root (`articles`): found once,
    /// since finding it looks at the disk.
    pub(super) source_prefix: String,
    /// The rules that compare articles, of those the groups were built for.
    rules: Vec<&'static dyn Rule>,
}

impl Groups {
    /// The groups of every article of `corpus`.
    pub fn build(rules: &[&'static dyn Rule], corpus: &Corpus, config: &Config) -> Groups {
        let rules: Vec<&'static dyn Rule> = rules.iter().copied().filter(|r| r.compares_articles()).collect();
        let source_prefix = super::rules::folder_too_deep::source_prefix(config);
        let keyed: Vec<Keys> = corpus.articles.par_iter().map(|a| keys_of(&rules, a, &source_prefix)).collect();
        let mut groups = Groups { source_prefix, rules, ..Groups::default() };
        // Articles come in order, so each member list is built sorted.
        for (i, keys) in keyed.into_iter().enumerate() {
            for (code, key) in keys {
                groups.rule_mut(code).entry(key).or_default().push(i);
            }
        }
        groups
    }

    fn rule_mut(&mut self, code: &'static str) -> &mut HashMap<String, Vec<usize>> {
        let at = match self.by_rule.iter().position(|(c, _)| *c == code) {
            Some(at) => at,
            None => {
                self.by_rule.push((code, HashMap::new()));
                self.by_rule.len() - 1
            }
        };
        &mut self.by_rule[at].1
    }

    /// The keys of `article` for each of the rules the groups were built for.
    pub fn keys_of(&self, article: &Article) -> Keys {
        keys_of(&self.rules, article, &self.source_prefix)
    }

    /// Puts article `i` under `keys`.
    pub fn add(&mut self, i: usize, keys: &Keys) {
        for (code, key) in keys {
            let members = self.rule_mut(code).entry(key.clone()).or_default();
            if let Err(at) = members.binary_search(&i) {
                members.insert(at, i);
            }
        }
    }

    /// Takes article `i` out of `keys`.
    pub fn remove(&mut self, i: usize, keys: &Keys) {
        for (code, key) in keys {
            let rule = self.rule_mut(code);
            let Some(members) = rule.get_mut(key) else { continue };
            members.retain(|&j| j != i);
            if members.is_empty() {
                rule.remove(key);
            }
        }
    }

    /// After an article was inserted at index `i` of the corpus (`inserted`)
    /// or removed from it: the indices of the articles after it move.
    pub fn shift(&mut self, i: usize, inserted: bool) {
        let members = self.by_rule.iter_mut().flat_map(|(_, g)| g.values_mut()).flatten();
        for j in members.filter(|j| **j >= i) {
            *j = if inserted { *j + 1 } else { *j - 1 };
        }
    }

    /// The indices of the articles under `key` of rule `code`, in order.
    pub fn members(&self, code: &str, key: &str) -> &[usize] {
        let rule = self.by_rule.iter().find(|(c, _)| *c == code);
        rule.and_then(|(_, g)| g.get(key)).map_or(&[], Vec::as_slice)
    }
}

fn keys_of(rules: &[&'static dyn Rule], article: &Article, source_prefix: &str) -> Keys {
    let mut keys: Keys = Vec::new();
    for rule in rules {
        keys.extend(rule.group_keys(article, source_prefix).into_iter().map(|k| (rule.meta().code, k)));
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The articles under one key, in path order.
#[derive(Clone, Copy)]
pub struct Group<'a> {
    pub(super) members: &'a [usize],
    pub(super) corpus: &'a Corpus,
}

impl<'a> Group<'a> {
    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Member `k`.
    pub fn get(&self, k: usize) -> &'a Article {
        &self.corpus.articles[self.members[k]]
    }

    pub fn first(&self) -> Option<&'a Article> {
        (!self.is_empty()).then(|| self.get(0))
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a Article> + '_ {
        (0..self.len()).map(|k| self.get(k))
    }
}

#[cfg(test)]
mod tests {
    use crate::article::Article;
    use crate::lint::registry::RULES;
    use crate::lint::rules::testing::article;
    use crate::source::SourceFile;

    /// Keys are asked only of the rules that say they compare articles:
    /// no other rule has any, and each of those has some.
    #[test]
    fn only_rules_that_compare_articles_have_keys() {
        let description = "<properties selfHelpType=\"supportTopicDescription\" productPesIds=\"P1\" />\n# T\n---\n{\"supportTopics\": [{\"id\": \"111\"}]}\n---\n";
        let texts = [article("  displayOrder=\"1\"\n", "Text.\n"), description.to_string()];
        let articles: Vec<Article> = texts
            .into_iter()
            .enumerate()
            .map(|(k, text)| Article::parse(SourceFile::new(format!("articles/x/y/{k}.md"), text, false)))
            .collect();
        for rule in RULES {
            let keyed = articles.iter().any(|a| !rule.group_keys(a, "articles").is_empty());
            assert_eq!(rule.compares_articles(), keyed, "{}", rule.meta().code);
        }
    }
}
