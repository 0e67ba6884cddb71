//! Closed vocabularies of the header: clouds, self-help types and known attribute
//! names, with parsing, canonical spelling and "did you mean" suggestions.

use std::fmt;

/// A cloud an article can be published to, in publication order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cloud {
    Public,
    Fairfax,
    Mooncake,
    Usnat,
    Ussec,
}

impl Cloud {
    pub const ALL: [Cloud; 5] = [Cloud::Public, Cloud::Fairfax, Cloud::Mooncake, Cloud::Usnat, Cloud::Ussec];

    /// Retired cloud names that are recognised but publish nowhere.
    pub const RETIRED: [&'static str; 1] = ["blackforest"];

    pub fn as_str(self) -> &'static str {
        match self {
            Cloud::Public => "public",
            Cloud::Fairfax => "fairfax",
            Cloud::Mooncake => "mooncake",
            Cloud::Usnat => "usnat",
            Cloud::Ussec => "ussec",
        }
    }

    /// Case-insensitive parse of a cloud name.
    pub fn parse(s: &str) -> Option<Cloud> {
        Cloud::ALL.into_iter().find(|c| c.as_str().eq_ignore_ascii_case(s.trim()))
    }

    pub fn is_sovereign(self) -> bool {
        self != Cloud::Public
    }
}

impl fmt::Display for Cloud {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kinds of self-help content. Canonical spelling is lowercase.
pub const SELF_HELP_TYPES: &[&str] = &[
    "generic",
    "diagnostics",
    "rca",
    "resource",
    "tsg_content",
    "tsg_description",
    "tsg_questions",
    "problemscopingquestions",
    "supporttopicdescription",
    "advisorrecommendationmetadata",
    "servicehealthinsights",
    "apollo",
    "diagnoseandsolve",
    "tools",
    "health",
    "partnercenterquickstart",
];

/// Returns the canonical (lowercase) self-help type for a header value.
pub fn self_help_type(value: &str) -> Option<&'static str> {
    let v = value.trim();
    SELF_HELP_TYPES.iter().copied().find(|t| t.eq_ignore_ascii_case(v))
}

/// Header attributes kbc knows, in their canonical spelling. Matching is
/// case-insensitive; anything else is kept by name and reported as unknown.
pub const KNOWN_ATTRIBUTES: &[&str] = &[
    "pageTitle",
    "description",
    "service",
    "resource",
    "authors",
    "ms.author",
    "displayOrder",
    "selfHelpType",
    "supportTopicIds",
    "resourceTags",
    "productPesIds",
    "cloudEnvironments",
    "disableClouds",
    "articleId",
    "ownershipId",
    "infoBubbleText",
    "diagnosticScenario",
    "schemaVersion",
    "clientIds",
    "articleTags",
    "authorAlias",
    "resourceRequired",
    "ms.service",
    "icmTeam",
    "icmService",
    "feedbackEmail",
    "category",
    "issueNotListed",
    "searchTags",
    "productFamilyId",
    "mappedToBucket",
    "editor",
    "documentationCenter",
];

/// The canonical spelling of a known attribute name, matched case-insensitively.
pub fn canonical_attribute(name: &str) -> Option<&'static str> {
    KNOWN_ATTRIBUTES.iter().copied().find(|k| k.eq_ignore_ascii_case(name))
}

/// The closest candidate to `input`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let input_l = input.to_ascii_lowercase();
    // The distance is at least the difference in length: most candidates
    // are ruled out without the quadratic-in-length distance.
    let chars = input.chars().count();
    let near = |c: &&str| chars.abs_diff(c.chars().count()) <= max_distance(input.len().max(c.len()));
    candidates
        .into_iter()
        .filter(near)
        .map(|c| (strsim::damerau_levenshtein(&input_l, &c.to_ascii_lowercase()), c))
        .filter(|&(d, c)| d > 0 && d <= max_distance(input.len().max(c.len())))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

fn max_distance(len: usize) -> usize {
    match len {
        0..=3 => 1,
        4..=8 => 2,
        _ => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_support_topic_ids_for_typo() {
        assert_eq!(did_you_mean("supportToicIds", KNOWN_ATTRIBUTES.iter().copied()), Some("supportTopicIds"));
        assert_eq!(did_you_mean("infoBubbleTest", KNOWN_ATTRIBUTES.iter().copied()), Some("infoBubbleText"));
    }

    #[test]
    fn does_not_suggest_for_unrelated_names() {
        assert_eq!(did_you_mean("zzzzzzzz", KNOWN_ATTRIBUTES.iter().copied()), None);
    }

    #[test]
    fn parses_cloud_names_case_insensitively() {
        assert_eq!(Cloud::parse(" Fairfax "), Some(Cloud::Fairfax));
        assert_eq!(Cloud::parse("blackforest"), None);
    }

    #[test]
    fn canonicalises_self_help_type() {
        assert_eq!(self_help_type("TSG_Content"), Some("tsg_content"));
        assert_eq!(self_help_type("ProblemScopingQuestions"), Some("problemscopingquestions"));
    }
}
