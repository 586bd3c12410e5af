//! The category tree as the indexer and the storefront need it.

use std::collections::HashMap;

/// A category of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryNode {
    /// Identifier.
    pub id: u64,
    /// Parent, `None` for a root.
    pub parent_id: Option<u64>,
    /// URL slug.
    pub slug: String,
    /// Names in uz, uz-Cyrl, ru, en order.
    pub names: [String; 4],
}

/// Errors in a category tree.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TaxonomyError {
    /// A parent id that names no category.
    #[error("category {child} has unknown parent {parent}")]
    UnknownParent {
        /// The child.
        child: u64,
        /// The missing parent.
        parent: u64,
    },
    /// A cycle through parents.
    #[error("category {0} is its own ancestor")]
    Cycle(u64),
    /// Two categories with one id or slug.
    #[error("duplicate category {0}")]
    Duplicate(String),
}

/// A validated category tree (no cycles, no dangling parents) with precomputed paths.
#[derive(Debug, Clone, Default)]
pub struct Taxonomy {
    nodes: HashMap<u64, CategoryNode>,
    by_slug: HashMap<String, u64>,
    paths: HashMap<u64, Vec<u64>>,
    children: HashMap<u64, Vec<u64>>,
    roots: Vec<u64>,
}

impl Taxonomy {
    /// Validates the nodes and builds the tree.
    pub fn new(nodes: Vec<CategoryNode>) -> Result<Self, TaxonomyError> {
        let mut taxonomy = Self::default();
        for node in nodes {
            if taxonomy
                .by_slug
                .insert(node.slug.clone(), node.id)
                .is_some()
            {
                return Err(TaxonomyError::Duplicate(node.slug));
            }
            if let Some(previous) = taxonomy.nodes.insert(node.id, node) {
                return Err(TaxonomyError::Duplicate(previous.id.to_string()));
            }
        }
        let mut ids: Vec<u64> = taxonomy.nodes.keys().copied().collect();
        ids.sort_unstable();
        for id in &ids {
            let mut path = vec![*id];
            let mut current = *id;
            while let Some(parent) = taxonomy.nodes.get(&current).and_then(|node| node.parent_id) {
                if !taxonomy.nodes.contains_key(&parent) {
                    return Err(TaxonomyError::UnknownParent {
                        child: current,
                        parent,
                    });
                }
                if path.contains(&parent) {
                    return Err(TaxonomyError::Cycle(*id));
                }
                path.push(parent);
                current = parent;
            }
            path.reverse();
            taxonomy.paths.insert(*id, path);
            match taxonomy.nodes.get(id).and_then(|node| node.parent_id) {
                Some(parent) => taxonomy.children.entry(parent).or_default().push(*id),
                None => taxonomy.roots.push(*id),
            }
        }
        Ok(taxonomy)
    }

    /// Returns the category with this id.
    pub fn get(&self, id: u64) -> Option<&CategoryNode> {
        self.nodes.get(&id)
    }

    /// Returns the category with this slug.
    pub fn by_slug(&self, slug: &str) -> Option<&CategoryNode> {
        self.by_slug.get(slug).and_then(|id| self.nodes.get(id))
    }

    /// Returns the ids from the root down to `id` (empty for an unknown id).
    pub fn path(&self, id: u64) -> Vec<u64> {
        self.paths.get(&id).cloned().unwrap_or_default()
    }

    /// Returns the names, in every language, of every category on the path to `id`.
    pub fn names_on_path(&self, id: u64) -> Vec<String> {
        self.path(id)
            .iter()
            .filter_map(|id| self.nodes.get(id))
            .flat_map(|node| node.names.iter().cloned())
            .collect()
    }

    /// Returns the root ids, in id order.
    pub fn roots(&self) -> &[u64] {
        &self.roots
    }

    /// Returns the children of `id`, in id order.
    pub fn children(&self, id: u64) -> &[u64] {
        self.children
            .get(&id)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Returns the number of categories.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Returns whether there are no categories.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: u64, parent_id: Option<u64>, slug: &str) -> CategoryNode {
        CategoryNode {
            id,
            parent_id,
            slug: slug.to_owned(),
            names: [
                slug.to_owned(),
                slug.to_owned(),
                slug.to_owned(),
                slug.to_owned(),
            ],
        }
    }

    #[test]
    fn paths_run_from_the_root() {
        let taxonomy = Taxonomy::new(vec![
            node(1, None, "toys"),
            node(2, Some(1), "construction"),
            node(3, Some(2), "bricks"),
        ])
        .unwrap();
        assert_eq!(taxonomy.path(3), vec![1, 2, 3]);
        assert_eq!(taxonomy.by_slug("construction").unwrap().id, 2);
        assert_eq!(taxonomy.children(1), &[2]);
        assert_eq!(taxonomy.roots(), &[1]);
        assert!(taxonomy.path(99).is_empty());
    }

    #[test]
    fn cycles_and_dangling_parents_are_rejected() {
        assert_eq!(
            Taxonomy::new(vec![node(1, Some(2), "a"), node(2, Some(1), "b")]).unwrap_err(),
            TaxonomyError::Cycle(1)
        );
        assert!(matches!(
            Taxonomy::new(vec![node(1, Some(5), "a")]).unwrap_err(),
            TaxonomyError::UnknownParent { .. }
        ));
        assert!(matches!(
            Taxonomy::new(vec![node(1, None, "a"), node(2, None, "a")]).unwrap_err(),
            TaxonomyError::Duplicate(_)
        ));
    }
}
