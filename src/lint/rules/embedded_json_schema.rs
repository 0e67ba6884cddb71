use crate::article::Article;
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::{Context, Rule, RuleMeta};
use crate::source::Span;
use crate::syntax::json::{Node, Value};
use std::collections::HashMap;

pub(crate) struct EmbeddedJsonSchema;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "KB402",
    name: "embedded-json-schema",
    default_level: Level::Error,
    summary: "The embedded JSON does not have the shape its self-help type requires",
    docs: r#"## What it checks
The embedded JSON block, per `selfHelpType` (keys compared
case-insensitively, as the portal does):

- `problemScopingQuestions`: a non-empty `formElements` array; each element
  has a unique non-empty `id`, a unique numeric `order`, and a `controlType`
  among textbox, multilinetextbox, dropdown, multiselectdropdown,
  datetimepicker, radiobuttongroup, numerictextbox, infoblock, textblock.
  Dropdowns need `dropdownOptions` (or `dynamicDropdownOptions`), radio
  button groups `radioButtonOptions`, and every option a `value` and `text`.
- `supportTopicDescription`: a `supportTopics` array whose items have a
  unique `id` that is a GUID or a number.
- `advisorRecommendationMetadata`: the fields its template shows
  (`recommendationTypeId` as a GUID, `recommendationCategory`,
  `recommendationImpact`, `recommendationResourceType`,
  `recommendationFriendlyName`, `displayLabel`, `description`,
  `learnMoreLink`, and an `actions` array).
- `diagnoseAndSolve`: `commonProblems` and `troubleshootingTools` arrays
  whose items have an `id` and a `title`.

These types must have the block at all. Invalid JSON is left to
`invalid-embedded-json`.

## Why
The portal builds forms, topic lists and recommendations from these fields;
a duplicate id or unknown control type breaks the form for every customer.

## Example
Bad:

```json
{ "formElements": [
  { "id": "start", "order": 1, "controlType": "datepicker" },
  { "id": "start", "order": 2, "controlType": "dropdown" } ] }
```

Good:

```json
{ "formElements": [
  { "id": "start", "order": 1, "controlType": "datetimepicker" },
  { "id": "os", "order": 2, "controlType": "dropdown",
    "dropdownOptions": [ { "value": "linux", "text": "Linux" } ] } ] }
```

## How to fix
Follow the template for the article's self-help type in the authoring
templates folder.

## Configuration
`embedded-json-schema = "deny"` (default).
"#,
};

const CONTROL_TYPES: &[&str] = &[
    "textbox",
    "multilinetextbox",
    "dropdown",
    "multiselectdropdown",
    "datetimepicker",
    "radiobuttongroup",
    "numerictextbox",
    "infoblock",
    "textblock",
];

impl Rule for EmbeddedJsonSchema {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_article(&self, article: &Article, _cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(kind) = article.self_help_type().filter(|t| needs_json(t)) else { return };
        let root = match article.embedded_json() {
            None => {
                let at = article.props.get("selfHelpType").map_or(0..0, |a| a.value_span.clone());
                let msg = format!("a {kind} article needs an embedded JSON block after the H1");
                out.push(
                    Diagnostic::new(&META, at, msg).with_help("add the JSON between `---` lines; see the template"),
                );
                return;
            }
            Some(Err(_)) => return,
            Some(Ok(root)) => root,
        };
        let mut problems = Vec::new();
        match kind {
            "problemscopingquestions" => scoping(&root, &mut problems),
            "supporttopicdescription" => topics(&root, &mut problems),
            "advisorrecommendationmetadata" => advisor(&root, &mut problems),
            _ => diagnose_and_solve(&root, &mut problems),
        }
        out.extend(problems.into_iter().map(|(span, msg)| Diagnostic::new(&META, span, msg)));
    }
}

type Problems = Vec<(Span, String)>;

fn needs_json(kind: &str) -> bool {
    matches!(
        kind,
        "problemscopingquestions" | "supporttopicdescription" | "advisorrecommendationmetadata" | "diagnoseandsolve"
    )
}

/// A required array member; reports it when missing or not an array.
fn array<'a>(node: &'a Node, key: &str, out: &mut Problems) -> Option<&'a Node> {
    match node.get(key) {
        Some(n) if matches!(n.value, Value::Array(_)) => Some(n),
        Some(n) => {
            out.push((n.span.clone(), format!("`{key}` must be an array")));
            None
        }
        None => {
            out.push((node.span.start..node.span.start + 1, format!("missing `{key}`")));
            None
        }
    }
}

fn required_strings(node: &Node, keys: &[&str], what: &str, out: &mut Problems) {
    for key in keys {
        if node.get(key).and_then(Node::as_str).is_none_or(|s| s.trim().is_empty()) {
            let span = node.member(key).map_or(node.span.start..node.span.start + 1, |m| m.1.clone());
            out.push((span, format!("{what} needs a non-empty `{key}`")));
        }
    }
}

fn scoping(root: &Node, out: &mut Problems) {
    let Some(elements) = array(root, "formElements", out) else { return };
    if elements.items().is_empty() {
        out.push((elements.span.clone(), "`formElements` is empty".into()));
    }
    let mut ids: HashMap<String, ()> = HashMap::new();
    let mut orders: HashMap<String, ()> = HashMap::new();
    for el in elements.items() {
        required_strings(el, &["id"], "form element", out);
        if let Some(node) = el.get("id")
            && let Some(id) = node.as_str()
            && ids.insert(id.to_ascii_lowercase(), ()).is_some()
        {
            out.push((node.span.clone(), format!("duplicate form element id \"{id}\"")));
        }
        match el.get("order") {
            Some(Node { value: Value::Number(n), span }) => {
                if orders.insert(n.to_string(), ()).is_some() {
                    out.push((span.clone(), format!("duplicate form element order {n}")));
                }
            }
            Some(n) => out.push((n.span.clone(), "`order` must be a number".into())),
            None => out.push((el.span.start..el.span.start + 1, "form element needs an `order`".into())),
        }
        control(el, out);
    }
}

fn control(el: &Node, out: &mut Problems) {
    let Some(ct) = el.get("controlType") else {
        out.push((el.span.start..el.span.start + 1, "form element needs a `controlType`".into()));
        return;
    };
    let Some(kind) = ct.as_str().and_then(|s| CONTROL_TYPES.iter().find(|c| c.eq_ignore_ascii_case(s.trim()))) else {
        let hint = crate::article::vocab::did_you_mean(ct.as_str().unwrap_or(""), CONTROL_TYPES.iter().copied());
        let hint = hint.map(|h| format!(" (did you mean `{h}`?)")).unwrap_or_default();
        out.push((ct.span.clone(), format!("unknown controlType{hint}; expected one of {}", CONTROL_TYPES.join(", "))));
        return;
    };
    let options = match *kind {
        "dropdown" | "multiselectdropdown" => ["dropdownOptions", "dynamicDropdownOptions", "defaultDropdownOptions"],
        "radiobuttongroup" => ["radioButtonOptions", "dropdownOptions", "radioButtonOptions"],
        _ => return,
    };
    let given: Vec<&Node> = options.iter().filter_map(|k| el.get(k)).collect();
    if given.is_empty() || given.iter().all(|n| n.items().is_empty() && matches!(n.value, Value::Array(_))) {
        out.push((ct.span.clone(), format!("a {kind} needs `{}`", options[0])));
    }
    for opt in given.iter().filter(|n| matches!(n.value, Value::Array(_))).flat_map(|n| n.items()) {
        if opt.get("value").is_none() || opt.get("text").is_none() {
            out.push((opt.span.clone(), "option needs a `value` and a `text`".into()));
        }
    }
}

fn topics(root: &Node, out: &mut Problems) {
    let Some(list) = array(root, "supportTopics", out) else { return };
    let mut seen = HashMap::new();
    for t in list.items() {
        let Some(id) = t.get("id") else {
            out.push((t.span.start..t.span.start + 1, "support topic needs an `id`".into()));
            continue;
        };
        let text = id.as_str().map(str::trim).unwrap_or_default();
        let valid =
            crate::article::properties::is_guid(text) || (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()));
        if !valid {
            out.push((id.span.clone(), "support topic id must be a GUID or a number".into()));
        } else if seen.insert(text.to_ascii_lowercase(), ()).is_some() {
            out.push((id.span.clone(), format!("duplicate support topic id \"{text}\"")));
        }
    }
}

fn advisor(root: &Node, out: &mut Problems) {
    let keys = [
        "recommendationTypeId",
        "recommendationCategory",
        "recommendationImpact",
        "recommendationResourceType",
        "recommendationFriendlyName",
        "displayLabel",
        "description",
        "learnMoreLink",
    ];
    required_strings(root, &keys, "an Advisor recommendation", out);
    if let Some(id) = root.get("recommendationTypeId").and_then(|n| n.as_str().map(|s| (n, s)))
        && !id.1.is_empty()
        && !crate::article::properties::is_guid(id.1)
    {
        out.push((id.0.span.clone(), "`recommendationTypeId` must be a GUID".into()));
    }
    array(root, "actions", out);
}

fn diagnose_and_solve(root: &Node, out: &mut Problems) {
    for key in ["commonProblems", "troubleshootingTools"] {
        if let Some(list) = array(root, key, out) {
            for item in list.items() {
                required_strings(item, &["id", "title"], key, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::rules::testing::check;

    fn doc(kind: &str, json: &str) -> String {
        format!("<properties selfHelpType=\"{kind}\" />\n# Title\n---\n{json}\n---\n")
    }

    #[test]
    fn reports_scoping_question_problems() {
        let json = r#"{"formElements": [
            {"id": "a", "order": 1, "controlType": "datetimepiker"},
            {"id": "a", "order": 1, "controlType": "dropdown"},
            {"id": "b", "order": 2, "controlType": "Dropdown", "dropdownOptions": [{"value": "x"}]}]}"#;
        let d = check("embedded-json-schema", &doc("problemScopingQuestions", json));
        let msgs: Vec<_> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(msgs.len(), 5, "{msgs:?}");
        assert!(msgs[0].contains("did you mean `datetimepicker`"));
        assert!(msgs.iter().any(|m| m.contains("duplicate form element id")));
        assert!(msgs.iter().any(|m| m.contains("needs a `value` and a `text`")));
    }

    #[test]
    fn accepts_a_valid_scoping_form_with_dynamic_options() {
        let json = r#"{"formElements": [
            {"id": "a", "order": 1, "controlType": "datetimepicker"},
            {"id": "b", "order": 2, "controlType": "dropdown", "dynamicDropdownOptions": {"uri": "x"}},
            {"ID": "c", "Order": 3, "ControlType": "radioButtonGroup", "radioButtonOptions": [{"value": "y", "text": "Y"}]}]}"#;
        assert!(check("embedded-json-schema", &doc("problemScopingQuestions", json)).is_empty());
    }

    #[test]
    fn checks_topics_advisor_and_missing_blocks() {
        let topics = r#"{"supportTopics": [{"id": "SAP ID of L2/L3"}, {"id": "32677721"}, {"id": "32677721"}]}"#;
        assert_eq!(check("KB402", &doc("supportTopicDescription", topics)).len(), 2);
        let advisor = r#"{"recommendationTypeId": "nope", "actions": []}"#;
        assert_eq!(check("KB402", &doc("advisorRecommendationMetadata", advisor)).len(), 8);
        let missing = "<properties selfHelpType=\"diagnoseAndSolve\" />\n# Title\n\nNo block.\n";
        assert_eq!(check("KB402", missing).len(), 1);
        assert!(check("KB402", "<properties selfHelpType=\"generic\" />\n# T\n").is_empty());
    }
}
