//! CASE packages written by hand: a five-level tree, an older tool's export, and each real
//! error.

use serde_json::{json, Value};

use super::*;

pub(crate) const DOC: &str = "c0a80101-0000-4000-8000-000000000000";

pub(crate) fn id(n: u32) -> String {
    format!("c0a80101-0000-4000-8000-{n:012}")
}

pub(crate) fn item(n: u32, code: &str, statement: &str, kind: &str) -> Value {
    json!({
        "identifier": id(n),
        "uri": format!("https://case.example.org/uri/{}", id(n)),
        "humanCodingScheme": code,
        "fullStatement": statement,
        "CFItemType": kind,
        "lastChangeDateTime": "2026-01-10T09:00:00+00:00",
    })
}

pub(crate) fn child(n: u32, child: &str, parent: &str, sequence: i64) -> Value {
    json!({
        "identifier": format!("a0000000-0000-4000-8000-{n:012}"),
        "associationType": "isChildOf",
        "sequenceNumber": sequence,
        "uri": format!("https://case.example.org/uri/a{n}"),
        "originNodeURI": {"title": "", "identifier": child, "uri": format!("https://case.example.org/uri/{child}")},
        "destinationNodeURI": {"title": "", "identifier": parent, "uri": format!("https://case.example.org/uri/{parent}")},
        "lastChangeDateTime": "2026-01-10T09:00:00+00:00",
    })
}

/// Number › Fractions › Standard › Indicator › Sub-indicator: five levels under the document,
/// listed out of order (the sequence numbers put them right).
pub(crate) fn five_levels() -> Value {
    let items = vec![
        item(2, "MA.N", "Number and operations", "Domain"),
        item(3, "MA.N.F", "Fractions", "Cluster"),
        item(
            5,
            "MA.N.F.2",
            "Compare two fractions with different numerators.",
            "Standard",
        ),
        item(
            4,
            "MA.N.F.1",
            "Understand a fraction **1/b** as one part of a whole.",
            "Standard",
        ),
        item(
            6,
            "MA.N.F.1.a",
            "Partition a whole into equal parts.",
            "Indicator",
        ),
        item(7, "MA.N.F.1.b", "Name the parts.", "Indicator"),
        item(8, "MA.N.F.1.a.i", "Halves and quarters.", "Sub-indicator"),
        item(9, "MA.N.G", "Geometry", "Cluster"),
        item(10, "MA.N.G.1", "Name shapes by their sides.", "Standard"),
    ];
    let mut associations = vec![
        child(2, &id(2), DOC, 1),
        child(3, &id(3), &id(2), 1),
        child(4, &id(5), &id(3), 2),
        child(5, &id(4), &id(3), 1),
        child(6, &id(6), &id(4), 1),
        child(7, &id(7), &id(4), 2),
        child(8, &id(8), &id(6), 1),
        child(9, &id(9), &id(2), 2),
        child(10, &id(10), &id(9), 1),
    ];
    associations.push(json!({
        "identifier": "a0000000-0000-4000-8000-000000000100",
        "associationType": "exactMatchOf",
        "uri": "https://case.example.org/uri/a100",
        "originNodeURI": {"title": "Other state 4.NF.1", "identifier": "9e000000-0000-4000-8000-000000000001", "uri": "https://other.example.org/uri/ext-1"},
        "destinationNodeURI": {"title": "", "identifier": id(4), "uri": "https://case.example.org/uri/x"},
        "lastChangeDateTime": "2026-01-10T09:00:00+00:00",
    }));
    associations.push(json!({
        "identifier": "a0000000-0000-4000-8000-000000000101",
        "associationType": "precedes",
        "uri": "https://case.example.org/uri/a101",
        "originNodeURI": {"title": "", "identifier": id(4), "uri": "https://case.example.org/uri/x"},
        "destinationNodeURI": {"title": "", "identifier": id(5), "uri": "https://case.example.org/uri/y"},
        "lastChangeDateTime": "2026-01-10T09:00:00+00:00",
    }));
    json!({
        "CFDocument": {
            "identifier": DOC,
            "uri": format!("https://case.example.org/uri/{DOC}"),
            "creator": "A state",
            "title": "Mathematics Standards",
            "lastChangeDateTime": "2026-01-10T09:00:00+00:00",
            "CFPackageURI": {"title": "Mathematics Standards", "identifier": DOC, "uri": "https://case.example.org/pkg"},
        },
        "CFItems": items,
        "CFAssociations": associations,
        "CFDefinitions": {"CFItemTypes": []},
    })
}

fn read_value(value: &Value) -> Package {
    read(value.to_string().as_bytes()).expect("a package")
}

fn codes(plan: &FrameworkPlan) -> Vec<&str> {
    plan.all_competencies().map(|c| c.code.as_str()).collect()
}

#[test]
fn a_five_level_tree_is_ordered_and_counted_by_depth() {
    let package = read_value(&five_levels());
    let tree = Tree::build(&package);
    assert!(tree.problems.is_empty(), "{:?}", tree.problems);
    assert_eq!(tree.max_depth(), 5);
    let depths = tree.depths(&package);
    let summary: Vec<(usize, usize, usize)> = depths
        .iter()
        .map(|d| (d.depth, d.items, d.leaves))
        .collect();
    assert_eq!(
        summary,
        [(1, 1, 0), (2, 2, 0), (3, 3, 2), (4, 2, 1), (5, 1, 1)]
    );
    assert_eq!(depths[2].types, [("Standard".to_string(), 3)]);
    // The first items of a depth, in the framework's order (not the file's).
    assert_eq!(depths[1].examples, ["MA.N.F Fractions", "MA.N.G Geometry"]);
    assert_eq!(
        depths[2].examples,
        [
            "MA.N.F.1 Understand a fraction 1/b as one part of a whole.",
            "MA.N.F.2 Compare two fractions with different numerators.",
            "MA.N.G.1 Name shapes by their sides."
        ]
    );
    assert_eq!(depths[3].types, [("Indicator".to_string(), 2)]);
    assert_eq!(depths[4].types, [("Sub-indicator".to_string(), 1)]);
    let order: Vec<&str> = tree
        .in_order()
        .into_iter()
        .map(|n| {
            package.items[tree.nodes[n].item]
                .human_coding_scheme
                .as_deref()
                .unwrap()
        })
        .collect();
    assert_eq!(
        order,
        [
            "MA.N",
            "MA.N.F",
            "MA.N.F.1",
            "MA.N.F.1.a",
            "MA.N.F.1.a.i",
            "MA.N.F.1.b",
            "MA.N.F.2",
            "MA.N.G",
            "MA.N.G.1"
        ]
    );
}

#[test]
fn by_default_the_leaves_are_competencies_and_the_level_above_them_areas() {
    let package = read_value(&five_levels());
    let tree = Tree::build(&package);
    // Most leaves are at depth 3 (two standards), so: standards are competencies, clusters
    // are areas.
    let levels = Levels::default_for(&package, &tree);
    assert_eq!(
        levels,
        Levels {
            areas: Some(2),
            competencies: 3
        }
    );
    levels.check(tree.max_depth()).unwrap();
    let plan = plan(&package, &tree, levels);
    assert_eq!(plan.name, "Mathematics Standards");
    assert_eq!(plan.identifier, DOC);
    let areas: Vec<(&str, &str)> = plan
        .areas
        .iter()
        .map(|a| (a.code.as_str(), a.name.as_str()))
        .collect();
    assert_eq!(
        areas,
        [
            ("MA.N.F", "Number and operations › Fractions"),
            ("MA.N.G", "Number and operations › Geometry"),
        ]
    );
    assert_eq!(codes(&plan), ["MA.N.F.1", "MA.N.F.2", "MA.N.G.1"]);
    let first = &plan.areas[0].competencies[0];
    assert_eq!(
        first.statement,
        "Understand a fraction **1/b** as one part of a whole."
    );
    assert_eq!(
        first.name,
        "Understand a fraction 1/b as one part of a whole."
    );
    assert_eq!(first.item_type.as_deref(), Some("Standard"));
    assert_eq!(
        first.uri.as_deref(),
        Some(format!("https://case.example.org/uri/{}", id(4)).as_str())
    );
    // Deeper items are its indicators, in order.
    let indicators: Vec<&str> = first.indicators.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(
        indicators,
        [
            "MA.N.F.1.a Partition a whole into equal parts.",
            "MA.N.F.1.a.i Halves and quarters.",
            "MA.N.F.1.b Name the parts."
        ]
    );
    // An exact match outside the package and a `precedes` inside it are its alignments.
    let alignments: Vec<(&str, &str, Option<&str>)> = first
        .alignments
        .iter()
        .map(|a| {
            (
                a.kind.as_str(),
                a.target_name.as_str(),
                a.target_code.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        alignments,
        [
            ("exactMatchOf", "Other state 4.NF.1", None),
            (
                "precedes",
                "Compare two fractions with different numerators.",
                Some("MA.N.F.2")
            )
        ]
    );
    assert_eq!(
        first.alignments[0].target_uri.as_deref(),
        Some("https://other.example.org/uri/ext-1")
    );
}

#[test]
fn levels_between_areas_and_competencies_name_the_competency_and_shallow_leaves_are_kept() {
    let package = read_value(&five_levels());
    let tree = Tree::build(&package);
    let plan = plan(
        &package,
        &tree,
        Levels {
            areas: Some(1),
            competencies: 5,
        },
    );
    assert_eq!(plan.areas.len(), 1);
    assert_eq!(plan.areas[0].name, "Number and operations");
    let names: Vec<(&str, &str)> = plan
        .all_competencies()
        .map(|c| (c.code.as_str(), c.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            (
                "MA.N.F.1.a.i",
                "Fractions › Understand a fraction 1/b as one part of a whole. › Partition a whole into equal parts. › Halves and quarters."
            ),
            (
                "MA.N.F.1.b",
                "Fractions › Understand a fraction 1/b as one part of a whole. › Name the parts."
            ),
            ("MA.N.F.2", "Fractions › Compare two fractions with different numerators."),
            ("MA.N.G.1", "Geometry › Name shapes by their sides."),
        ]
    );
    // Without areas every competency stands alone.
    let plan = super::plan(
        &package,
        &tree,
        Levels {
            areas: None,
            competencies: 3,
        },
    );
    assert!(plan.areas.is_empty());
    assert_eq!(codes(&plan), ["MA.N.F.1", "MA.N.F.2", "MA.N.G.1"]);
    assert!(Levels {
        areas: Some(3),
        competencies: 3
    }
    .check(5)
    .is_err());
    assert!(Levels {
        areas: None,
        competencies: 6
    }
    .check(5)
    .is_err());
}

/// A 2018-era export: no `CFPackageURI`, `educationLevel` and `conceptKeywords` as strings,
/// `CFItemTypeURI` without `CFItemType` (its title elsewhere), `sequenceNumber` as text, no
/// `CFDefinitions`, a BOM, and an association to an item that is not in the package.
#[test]
fn an_older_tools_export_imports() {
    let text = r#"{
      "CFDocument": {"identifier": "d1", "uri": "http://old.example/d1", "creator": "Dept",
                     "title": "Science", "lastChangeDateTime": "2018-03-01T00:00:00Z"},
      "CFItems": [
        {"identifier": "i1", "fullStatement": "Living things", "humanCodingScheme": "S.1",
         "CFItemTypeURI": {"identifier": "t1", "uri": "http://old.example/t1", "title": "Strand"},
         "educationLevel": "03,04", "lastChangeDateTime": "2018-03-01T00:00:00Z"},
        {"identifier": "i2", "fullStatement": "Describe the life cycle of a plant, from seed to seed again, naming each of its stages in order.",
         "humanCodingScheme": "S.1.1", "conceptKeywords": "plants, life cycles",
         "educationLevel": "04", "lastChangeDateTime": "2018-03-01T00:00:00Z"},
        {"identifier": "i3", "fullStatement": "Classify animals", "listEnumeration": "2",
         "educationLevel": ["03"], "lastChangeDateTime": "2018-03-01T00:00:00Z"}
      ],
      "CFAssociations": [
        {"associationType": "isChildOf", "sequenceNumber": "1",
         "originNodeURI": {"identifier": "i1", "uri": "http://old.example/i1"},
         "destinationNodeURI": {"identifier": "d1", "uri": "http://old.example/d1"}},
        {"associationType": "isChildOf", "sequenceNumber": "2",
         "originNodeURI": {"uri": "http://old.example/items/i3"},
         "destinationNodeURI": {"uri": "http://old.example/items/i1"}},
        {"associationType": "isChildOf", "sequenceNumber": "",
         "originNodeURI": {"identifier": "i2", "uri": "http://old.example/i2"},
         "destinationNodeURI": {"identifier": "i1", "uri": "http://old.example/i1"}},
        {"associationType": "isRelatedTo",
         "originNodeURI": {"identifier": "i2", "uri": "http://old.example/i2"},
         "destinationNodeURI": {"identifier": "x9", "uri": "http://elsewhere.example/x9", "title": "NGSS LS1-1"}}
      ]
    }"#;
    let bytes = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
    let package = read(&bytes).unwrap();
    let tree = Tree::build(&package);
    assert!(tree.problems.is_empty(), "{:?}", tree.problems);
    assert_eq!(package.items[0].type_name(None).as_deref(), Some("Strand"));
    let plan = plan(&package, &tree, Levels::default_for(&package, &tree));
    assert_eq!(plan.areas.len(), 1);
    assert_eq!(plan.areas[0].name, "Living things");
    let competencies: Vec<&CompetencyPlan> = plan.all_competencies().collect();
    // The numbered one first (sequence 2 against none), then the other.
    assert_eq!(competencies[0].code, "2");
    assert_eq!(competencies[0].year_levels, ["03"]);
    assert_eq!(competencies[1].code, "S.1.1");
    assert_eq!(competencies[1].keywords, ["plants", "life cycles"]);
    assert_eq!(competencies[1].year_levels, ["04"]);
    assert_eq!(
        competencies[1].name,
        "Describe the life cycle of a plant, from seed to seed again…"
    );
    assert_eq!(competencies[1].alignments[0].kind, "isRelatedTo");
    assert_eq!(competencies[1].alignments[0].target_name, "NGSS LS1-1");
}

#[test]
fn each_real_error_names_its_item_and_keeps_it_and_what_is_under_it_out() {
    let mut value = five_levels();
    let items = value["CFItems"].as_array_mut().unwrap();
    // A duplicate identifier (both copies out), an item without a statement, an orphan, a
    // cycle, and a child of an item that is not in the package.
    items.push(item(10, "MA.DUP", "A second item with id 10", "Standard"));
    items
        .push(json!({"identifier": id(20), "humanCodingScheme": "MA.N.F.3", "fullStatement": " "}));
    items.push(item(21, "MA.ORPHAN", "No parent", "Standard"));
    items.push(item(22, "MA.C1", "Cycle one", "Standard"));
    items.push(item(23, "MA.C2", "Cycle two", "Standard"));
    items.push(item(24, "MA.LOST", "Its parent is elsewhere", "Standard"));
    items.push(item(25, "MA.UNDER.C1", "Under the cycle", "Indicator"));
    let associations = value["CFAssociations"].as_array_mut().unwrap();
    associations.push(child(20, &id(20), &id(3), 3));
    associations.push(child(22, &id(22), &id(23), 1));
    associations.push(child(23, &id(23), &id(22), 1));
    associations.push(child(24, &id(24), "not-in-this-package", 1));
    associations.push(child(25, &id(25), &id(22), 1));
    let package = read_value(&value);
    let tree = Tree::build(&package);
    let mut problems = describe(&tree.problems);
    problems.sort();
    assert_eq!(
        problems,
        [
            format!("MA.C1 ({}): is part of an isChildOf cycle", id(22)),
            format!("MA.DUP ({}): the identifier is used by more than one item", id(10)),
            format!(
                "MA.LOST ({}): is a child of not-in-this-package, which is not in the package: its chain never reaches the document",
                id(24)
            ),
            format!(
                "MA.N.F.3 ({}): has no fullStatement",
                id(20)
            ),
            format!(
                "MA.ORPHAN ({}): has no isChildOf association: it is not in the framework's tree",
                id(21)
            ),
        ]
    );
    // The valid part: everything else, without the duplicated Geometry standard; the Geometry
    // cluster, left without children, is a competency of its own (no item of the tree is lost).
    let plan = plan(
        &package,
        &tree,
        Levels {
            areas: Some(2),
            competencies: 3,
        },
    );
    assert_eq!(codes(&plan), ["MA.N.F.1", "MA.N.F.2", "MA.N.G"]);
    assert!(plan.all_competencies().all(|c| !c.code.starts_with("MA.C")));
}

#[test]
fn what_is_not_a_case_package_is_said_so() {
    assert!(matches!(read(b"<xml/>"), Err(NotAPackage::NotJson(_))));
    assert!(matches!(
        read(br#"{"users": []}"#),
        Err(NotAPackage::NotCase(message)) if message.contains("CFDocument")
    ));
    assert!(matches!(
        read(br#"{"CFDocument": {"title": "no identifier"}}"#),
        Err(NotAPackage::NotCase(message)) if message.contains("identifier")
    ));
}

#[test]
fn an_exported_framework_imports_back_unchanged() {
    let package = read_value(&five_levels());
    let tree = Tree::build(&package);
    let planned = plan(
        &package,
        &tree,
        Levels {
            areas: Some(2),
            competencies: 3,
        },
    );
    // With a competency of no area, its indicator, and an alignment typed in Cairn.
    let mut framework = planned.clone();
    let mut loose = framework.areas[1].competencies[0].clone();
    loose.identifier = id(50);
    loose.uri = None;
    loose.code = "X.1".into();
    loose.item_type = None;
    loose.indicators = vec![IndicatorPlan {
        identifier: id(51),
        text: "An indicator".into(),
    }];
    loose.alignments = vec![AlignmentPlan {
        identifier: None,
        kind: "isRelatedTo".into(),
        target_name: "ESCO: teach mathematics".into(),
        target_uri: Some("http://data.europa.eu/esco/skill/abc".into()),
        target_identifier: crate::case::derived_identifier("http://data.europa.eu/esco/skill/abc"),
        target_code: None,
    }];
    framework.competencies.push(loose);
    let provider = Provider {
        base: "https://school.example",
        creator: "A school",
    };
    let exported = export(&framework, &provider);
    let text = serde_json::to_string_pretty(&exported).unwrap();
    let package = read(text.as_bytes()).unwrap();
    let tree = Tree::build(&package);
    assert!(tree.problems.is_empty(), "{:?}", tree.problems);
    let levels = Levels::default_for(&package, &tree);
    assert_eq!(
        levels,
        Levels {
            areas: Some(1),
            competencies: 2
        }
    );
    let mut again = plan(&package, &tree, levels);
    // What Cairn gave no URI gets the provider API's.
    let loose = again.competencies[0].clone();
    assert_eq!(
        loose.uri.as_deref(),
        Some(format!("https://school.example/ims/case/v1p0/CFItems/{}", id(50)).as_str())
    );
    assert_eq!(loose.item_type.as_deref(), Some("Competency"));
    again.competencies[0].uri = None;
    again.competencies[0].item_type = None;
    // The alignment typed in Cairn now has the identifier its association was given.
    assert!(again.competencies[0].alignments[0].identifier.is_some());
    again.competencies[0].alignments[0].identifier = None;
    assert_eq!(again, framework);
    // Exported twice, the package is the same.
    assert_eq!(export(&framework, &provider), exported);
}
