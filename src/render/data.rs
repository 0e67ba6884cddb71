//! The embedded JSON block as a readable view: problem scoping questions as
//! a form preview, support-topic descriptions as a table, anything else
//! pretty-printed.

use super::view::{DataView, FormElement, TopicRow};
use serde_json::Value;

pub(crate) fn view(data: &Value) -> DataView {
    if let Some(elements) = data.get("formElements").and_then(Value::as_array) {
        return form(data, elements);
    }
    if let Some(topics) = data.get("supportTopics").and_then(Value::as_array) {
        return DataView::Topics {
            short_description: text(data, "shortDescription"),
            long_description: text(data, "longDescription"),
            topics: topics.iter().map(topic).collect(),
        };
    }
    DataView::Json { pretty: serde_json::to_string_pretty(data).unwrap_or_default() }
}

fn form(data: &Value, elements: &[Value]) -> DataView {
    let mut elements: Vec<(i64, FormElement)> =
        elements.iter().map(|e| (e.get("order").and_then(Value::as_i64).unwrap_or(i64::MAX), element(e))).collect();
    // A stable sort keeps the written order among equal `order` values.
    elements.sort_by_key(|(order, _)| *order);
    DataView::Form {
        title: text(data, "title"),
        hint: text(data, "fileAttachmentHint"),
        elements: elements.into_iter().map(|(_, e)| e).collect(),
    }
}

fn element(e: &Value) -> FormElement {
    let list = |key: &str, field: &str| -> Vec<String> {
        e.get(key).and_then(Value::as_array).map(|a| a.iter().map(|o| text(o, field)).collect()).unwrap_or_default()
    };
    FormElement {
        id: text(e, "id"),
        label: text(e, "displayLabel"),
        control: text(e, "controlType"),
        required: e.get("required").is_some_and(|r| r.as_bool() == Some(true) || r.as_str() == Some("true")),
        watermark: text(e, "watermarkText"),
        options: list("dropdownOptions", "text"),
        hints: list("hints", "text"),
        visibility: text(e, "visibility"),
    }
}

fn topic(t: &Value) -> TopicRow {
    TopicRow {
        id: text(t, "id"),
        short_description: text(t, "shortDescription"),
        long_description: text(t, "longDescription"),
        search_tags: text(t, "searchTags"),
        category: text(t, "category"),
    }
}

/// A field as display text: strings as is, numbers and booleans printed,
/// null and missing as empty.
fn text(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn previews_scoping_questions_as_a_form_in_order() {
        let data = json!({"title": "Q", "formElements": [
            {"id": "b", "order": 5, "displayLabel": "Second", "controlType": "dropdown",
             "dropdownOptions": [{"value": "y", "text": "Yes"}], "required": "true"},
            {"id": "a", "order": 1, "displayLabel": "First", "controlType": "textbox"}]});
        let DataView::Form { title, elements, .. } = view(&data) else { panic!("not a form") };
        assert_eq!(title, "Q");
        assert_eq!(elements.iter().map(|e| e.label.as_str()).collect::<Vec<_>>(), ["First", "Second"]);
        assert_eq!(elements[1].options, ["Yes"]);
        assert!(elements[1].required && !elements[0].required);
    }

    #[test]
    fn shows_support_topics_as_rows_and_other_json_pretty() {
        let data = json!({"supportTopics": [{"id": "t1", "shortDescription": "Auth", "category": null}]});
        let DataView::Topics { topics, .. } = view(&data) else { panic!("not topics") };
        assert_eq!(
            (topics[0].id.as_str(), topics[0].short_description.as_str(), topics[0].category.as_str()),
            ("t1", "Auth", "")
        );
        assert!(matches!(view(&json!({"a": 1})), DataView::Json { .. }));
    }
}
