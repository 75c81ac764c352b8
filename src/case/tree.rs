//! A package's tree: every item under the document through its `isChildOf` associations (the
//! origin is the child of the destination), children in the framework's order, with the
//! problems that keep an item out of it.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap, HashSet};

use super::package::{Item, Package};

/// What keeps an item (and everything under it) out of the tree, or a file out altogether.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The item's (or association's) CASE identifier, when the problem is one item's.
    pub identifier: Option<String>,
    /// Its human coding scheme, when it has one.
    pub code: Option<String>,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.code, &self.identifier) {
            (Some(code), Some(id)) => write!(f, "{code} ({id}): {}", self.message),
            (None, Some(id)) => write!(f, "{id}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

/// One item in the tree.
#[derive(Clone, Debug)]
pub struct Node {
    /// The item's index in `Package::items`.
    pub item: usize,
    /// 1 for the document's children, 2 for theirs, …
    pub depth: usize,
    /// Indexes into `Tree::nodes`, in the framework's order.
    pub children: Vec<usize>,
    pub parent: Option<usize>,
}

/// The tree of a package's items that reach its document, and what kept the others out.
#[derive(Clone, Debug, Default)]
pub struct Tree {
    pub nodes: Vec<Node>,
    /// The document's children, in order.
    pub roots: Vec<usize>,
    pub problems: Vec<Problem>,
    /// What was read past without harm (an item with a second parent, kept under its first).
    pub notes: Vec<String>,
}

/// How many items a depth holds, and of which types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Depth {
    pub depth: usize,
    pub items: usize,
    /// How many of them have no children.
    pub leaves: usize,
    /// Item type name (or "no type") and how many items of it, most first.
    pub types: Vec<(String, usize)>,
    /// The first few items at this depth, as "code name", in the framework's order.
    pub examples: Vec<String>,
}

/// How many items of a depth `Tree::depths` names.
const EXAMPLES: usize = 3;

impl Tree {
    /// Builds the tree of `package`. An item is in it when a chain of `isChildOf` leads from it
    /// to the document; duplicate identifiers, cycles, items without a statement and items
    /// whose chain never reaches the document are problems, and keep those items out.
    pub fn build(package: &Package) -> Tree {
        let mut tree = Tree::default();
        let document = package.document.identifier.trim();

        // Items by identifier; a second item with the same identifier is a problem, and both
        // are kept out (which of them is meant cannot be told). `duplicated` ends up holding
        // every identifier kept out for a problem of its own: items under them fall with them.
        let mut by_id: HashMap<&str, usize> = HashMap::new();
        let mut duplicated: HashSet<&str> = HashSet::new();
        for (index, item) in package.items.iter().enumerate() {
            let id = item.identifier.trim();
            if id.is_empty() {
                tree.problems.push(Problem {
                    identifier: None,
                    code: code_of(item),
                    message: format!("item {} has no identifier", index + 1),
                });
                continue;
            }
            if id == document {
                tree.problems.push(problem(
                    item,
                    "has the same identifier as the document".into(),
                ));
                duplicated.insert(id);
                continue;
            }
            if by_id.insert(id, index).is_some() {
                duplicated.insert(id);
            }
        }
        for id in &duplicated {
            if let Some(&index) = by_id.get(id) {
                tree.problems.push(problem(
                    &package.items[index],
                    "the identifier is used by more than one item".into(),
                ));
            }
            by_id.remove(id);
        }
        for item in package.items.iter() {
            let statement = item.full_statement.as_deref().unwrap_or("").trim();
            if statement.is_empty() && by_id.contains_key(item.identifier.trim()) {
                tree.problems
                    .push(problem(item, "has no fullStatement".into()));
                by_id.remove(item.identifier.trim());
                duplicated.insert(item.identifier.trim());
            }
        }

        // Each item's parent: the destination of its first `isChildOf`, with that
        // association's sequence number.
        let mut parent_of: HashMap<usize, (Parent, Option<i64>)> = HashMap::new();
        for association in &package.associations {
            if !association
                .association_type
                .eq_ignore_ascii_case("isChildOf")
            {
                continue;
            }
            let (Some(child), Some(parent)) =
                (association.origin.id(), association.destination.id())
            else {
                continue;
            };
            let Some(&child) = by_id.get(child) else {
                continue;
            };
            let parent = if parent == document {
                Parent::Document
            } else if let Some(&index) = by_id.get(parent) {
                Parent::Item(index)
            } else if duplicated.contains(parent) {
                Parent::Excluded
            } else {
                Parent::Missing(parent.to_string())
            };
            match parent_of.get(&child) {
                Some((first, _)) if *first != parent => tree.notes.push(format!(
                    "{} is also a child of {}: it is kept under its first parent",
                    label(&package.items[child]),
                    association.destination.id().unwrap_or_default()
                )),
                Some(_) => {}
                None => {
                    parent_of.insert(child, (parent, association.sequence_number));
                }
            }
        }

        // Walk up from each item: reaching the document puts the item in; a missing parent, a
        // cycle or no parent at all is a problem.
        let mut reaches: HashMap<usize, bool> = HashMap::new();
        let mut indexes: Vec<usize> = by_id.values().copied().collect();
        indexes.sort_unstable();
        for &start in &indexes {
            let mut path = Vec::new();
            let mut at = start;
            let outcome = loop {
                if let Some(&known) = reaches.get(&at) {
                    break Ok(known);
                }
                if path.contains(&at) {
                    break Err("is part of an isChildOf cycle".to_string());
                }
                path.push(at);
                match parent_of.get(&at) {
                    None => break Err("has no isChildOf association: it is not in the framework's tree".into()),
                    Some((Parent::Document, _)) => break Ok(true),
                    Some((Parent::Item(parent), _)) => at = *parent,
                    Some((Parent::Excluded, _)) => break Ok(false),
                    Some((Parent::Missing(id), _)) => {
                        break Err(format!(
                            "is a child of {id}, which is not in the package: its chain never reaches the document"
                        ))
                    }
                }
            };
            let reached = match outcome {
                Ok(reached) => reached,
                Err(message) => {
                    // The problem is the item's where the chain broke; those below it fall with
                    // it without a problem of their own.
                    if !reaches.contains_key(&at) {
                        tree.problems.push(problem(&package.items[at], message));
                    }
                    reaches.insert(at, false);
                    false
                }
            };
            for index in path {
                reaches.insert(index, reached);
            }
        }

        // Nodes for the items in, children sorted.
        let mut node_of: HashMap<usize, usize> = HashMap::new();
        for &index in &indexes {
            if reaches.get(&index) == Some(&true) {
                node_of.insert(index, tree.nodes.len());
                tree.nodes.push(Node {
                    item: index,
                    depth: 0,
                    children: Vec::new(),
                    parent: None,
                });
            }
        }
        let mut roots = Vec::new();
        let mut children: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (node, entry) in tree.nodes.iter_mut().enumerate() {
            match &parent_of[&entry.item].0 {
                Parent::Document => roots.push(node),
                Parent::Item(parent) => {
                    let parent = node_of[parent];
                    entry.parent = Some(parent);
                    children.entry(parent).or_default().push(node);
                }
                _ => unreachable!("only items that reach the document have nodes"),
            }
        }
        let order = |a: &usize, b: &usize| {
            let (a, b) = (&tree.nodes[*a], &tree.nodes[*b]);
            framework_order(
                (&package.items[a.item], parent_of[&a.item].1),
                (&package.items[b.item], parent_of[&b.item].1),
            )
        };
        roots.sort_by(order);
        let mut sorted: Vec<(usize, Vec<usize>)> = children.into_iter().collect();
        for (_, list) in &mut sorted {
            list.sort_by(order);
        }
        for (parent, list) in sorted {
            tree.nodes[parent].children = list;
        }
        tree.roots = roots;
        let mut stack: Vec<(usize, usize)> = tree.roots.iter().map(|&n| (n, 1)).collect();
        while let Some((node, depth)) = stack.pop() {
            tree.nodes[node].depth = depth;
            stack.extend(tree.nodes[node].children.iter().map(|&c| (c, depth + 1)));
        }
        tree
    }

    /// The nodes in the framework's order: each before its children, siblings in order.
    pub fn in_order(&self) -> Vec<usize> {
        let mut order = Vec::with_capacity(self.nodes.len());
        let mut stack: Vec<usize> = self.roots.iter().rev().copied().collect();
        while let Some(node) = stack.pop() {
            order.push(node);
            stack.extend(self.nodes[node].children.iter().rev());
        }
        order
    }

    /// The deepest depth any item has (0 for an empty tree).
    pub fn max_depth(&self) -> usize {
        self.nodes.iter().map(|node| node.depth).max().unwrap_or(0)
    }

    /// Each depth's count of items and leaves, and their types.
    pub fn depths(&self, package: &Package) -> Vec<Depth> {
        let definitions = package.definitions.as_ref();
        let order = self.in_order();
        (1..=self.max_depth())
            .map(|depth| {
                let at: Vec<&Node> = self.nodes.iter().filter(|n| n.depth == depth).collect();
                let mut types: BTreeMap<String, usize> = BTreeMap::new();
                for node in &at {
                    let name = package.items[node.item]
                        .type_name(definitions)
                        .unwrap_or_else(|| "no type".into());
                    *types.entry(name).or_default() += 1;
                }
                let mut types: Vec<(String, usize)> = types.into_iter().collect();
                types.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                Depth {
                    depth,
                    items: at.len(),
                    leaves: at.iter().filter(|n| n.children.is_empty()).count(),
                    types,
                    examples: order
                        .iter()
                        .map(|&node| &self.nodes[node])
                        .filter(|node| node.depth == depth)
                        .take(EXAMPLES)
                        .map(|node| {
                            let item = &package.items[node.item];
                            format!("{} {}", label(item), super::plan::short_name(item))
                        })
                        .collect(),
                }
            })
            .collect()
    }

    /// The node's ancestors, from the document's child down to its parent.
    pub fn ancestors(&self, node: usize) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut at = self.nodes[node].parent;
        while let Some(parent) = at {
            chain.push(parent);
            at = self.nodes[parent].parent;
        }
        chain.reverse();
        chain
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Parent {
    Document,
    Item(usize),
    /// An item kept out for a problem of its own (a duplicate identifier, no statement).
    Excluded,
    Missing(String),
}

fn code_of(item: &Item) -> Option<String> {
    item.human_coding_scheme
        .as_deref()
        .map(str::trim)
        .filter(|code| !code.is_empty())
        .map(str::to_string)
}

fn problem(item: &Item, message: String) -> Problem {
    Problem {
        identifier: Some(item.identifier.trim().to_string()),
        code: code_of(item),
        message,
    }
}

/// An item as a message names it: its code, else its identifier.
pub(crate) fn label(item: &Item) -> String {
    code_of(item).unwrap_or_else(|| item.identifier.trim().to_string())
}

/// Siblings in the framework's order: by the `isChildOf`'s `sequenceNumber`, then the item's
/// `listEnumeration`, then its `humanCodingScheme` (numbers within text compared as numbers,
/// so "RL.1.10" follows "RL.1.9"); what has a value comes before what has none.
fn framework_order(a: (&Item, Option<i64>), b: (&Item, Option<i64>)) -> Ordering {
    fn some_first<T: Ord>(a: Option<T>, b: Option<T>) -> Ordering {
        match (a, b) {
            (Some(a), Some(b)) => a.cmp(&b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    }
    let text = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(natural_key)
    };
    some_first(a.1, b.1)
        .then_with(|| some_first(text(&a.0.list_enumeration), text(&b.0.list_enumeration)))
        .then_with(|| {
            some_first(
                text(&a.0.human_coding_scheme),
                text(&b.0.human_coding_scheme),
            )
        })
}

/// Text split into runs of digits (compared as numbers) and of the rest (compared as text).
fn natural_key(text: &str) -> Vec<(u8, u64, String)> {
    let mut key = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            let (run, tail) = rest.split_at(digits);
            key.push((0, run.parse().unwrap_or(u64::MAX), String::new()));
            rest = tail;
        } else {
            let other = rest
                .find(|c: char| c.is_ascii_digit())
                .unwrap_or(rest.len());
            let (run, tail) = rest.split_at(other);
            key.push((1, 0, run.to_lowercase()));
            rest = tail;
        }
    }
    key
}
