//! The static site as files on disk: every article and group gets a page of
//! its own (no two outputs share a path), and no page is too heavy to load.

use crate::common::Kb;
use std::path::Path;

/// A valid article with a title, a service and an article id.
fn article(title: &str, service: &str, id: u32) -> String {
    format!(
        "<properties\n    pageTitle=\"{title}\"\n    description=\"About {title}\"\n    service=\"{service}\"\n    \
         resource=\"things\"\n    ms.author=\"someone\"\n    selfHelpType=\"generic\"\n    supportTopicIds=\"{}\"\n    \
         productPesIds=\"16432\"\n    cloudEnvironments=\"public\"\n    \
         articleId=\"8e0f4a6c-1d2b-4c3e-9f5a-{id:012}\"\n    ownershipId=\"Owner\"\n/>\n\n# {title}\n\n\
         ## **Recommended Steps**\n\n* Do the thing.\n",
        32_677_000 + id
    )
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn a_page_beside_a_folder_of_the_same_name_and_similar_services_get_pages_of_their_own() {
    let kb = Kb::empty();
    kb.write("articles/x.md", article("Page x", "Foo Bar", 1));
    kb.write("articles/x.html/y.md", article("Page y", "Foo/Bar", 2));
    kb.write("articles/z/z.md", article("Page z", "Foo-Bar", 3));
    let run = kb.run(["build"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let site = kb.path("out/site");
    assert!(read(&site.join("articles/x.html")).contains("Page x"));
    assert!(read(&site.join("articles/x.html_/y.html")).contains("Page y"));
    for (file, title) in [("foo_20bar", "Page x"), ("foo_2fbar", "Page y"), ("foo-bar", "Page z")] {
        let page = read(&site.join(format!("services/{file}.html")));
        assert!(page.contains(title), "services/{file}.html lacks {title}");
        assert_eq!(page.matches("<li>").count(), 1, "services/{file}.html lists one article");
    }
}
