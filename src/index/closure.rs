//! Group membership closed over `member_groups`, and role contents closed over `member_roles`.
//!
//! Both are precomputed so that no query follows a nesting edge. Both graphs may have cycles (the API
//! probably rejects them; a snapshot may still carry one), so every walk keeps a visited mark and the
//! result is the union of everything reachable (spec §4.3 e). Deleted groups and roles never enter the
//! graphs: the builder leaves them out, so they neither grant nor pass membership through.
//!
//! The walks go breadth first, level by level, so each one knows how deep the nesting it follows is
//! (along the shortest path to each node, which a cycle cannot lengthen) and can stop at the depth limit:
//! a chain of n groups costs n²/2 memberships, and the limit is what keeps a hostile chain from turning
//! that into an outage.

use super::coverage::Coverage;
use super::csr::Csr;

/// A node whose nesting goes deeper than the limit.
pub(crate) struct TooDeep(pub(crate) u32);

/// Everything reachable from `start` along `edges`, itself included, level by level; fails when a level
/// beyond `max_depth` is reached. `mark` must hold no entry equal to `start`.
fn reach(start: u32, edges: &Csr, max_depth: u32, mark: &mut [u32], out: &mut Vec<u32>) -> Result<(), TooDeep> {
    out.clear();
    if let Some(m) = mark.get_mut(start as usize) {
        *m = start;
    }
    out.push(start);
    let (mut level_start, mut depth) = (0, 0);
    while level_start < out.len() {
        let level_end = out.len();
        if depth > max_depth {
            return Err(TooDeep(start));
        }
        for i in level_start..level_end {
            let Some(&h) = out.get(i) else { break };
            for &next in edges.get(h as usize) {
                if let Some(m) = mark.get_mut(next as usize)
                    && *m != start
                {
                    *m = start;
                    out.push(next);
                }
            }
        }
        level_start = level_end;
        depth += 1;
    }
    Ok(())
}

/// For each principal, every group it belongs to (sorted); and for each group, every member (sorted).
///
/// `direct` maps a principal to the groups naming it in `member_users`; `parents` maps a group to the
/// groups naming it in `member_groups`, whose members it thereby joins. Fails with the first group that
/// has more than `max_depth` levels of groups above it.
pub(crate) fn memberships(
    principals: usize,
    groups: usize,
    direct: &Csr,
    parents: &Csr,
    max_depth: u32,
) -> Result<(Csr, Csr), TooDeep> {
    // Per group, the set of groups reached by following `parents` from it, itself included. Groups number
    // in the hundreds to thousands, so one walk per group is cheap and keeps cycles trivially safe.
    let mut all: Vec<Vec<u32>> = Vec::with_capacity(groups);
    let mut mark = vec![u32::MAX; groups];
    for g in 0..groups as u32 {
        let mut out = Vec::new();
        reach(g, parents, max_depth, &mut mark, &mut out)?;
        out.sort_unstable();
        all.push(out);
    }

    let mut of_pairs = Vec::new();
    let mut seen = vec![u32::MAX; groups];
    for p in 0..principals as u32 {
        let start = of_pairs.len();
        for &d in direct.get(p as usize) {
            for &g in all.get(d as usize).map(Vec::as_slice).unwrap_or(&[]) {
                if let Some(s) = seen.get_mut(g as usize)
                    && *s != p
                {
                    *s = p;
                    of_pairs.push((p, g));
                }
            }
        }
        of_pairs[start..].sort_unstable();
    }
    // Pairs are generated principal by principal, so each group's member list comes out sorted.
    let member_pairs = of_pairs.iter().map(|&(p, g)| (g, p));
    Ok((Csr::from_pairs(principals, of_pairs.iter().copied()), Csr::from_pairs(groups, member_pairs)))
}

/// For each role, what it grants with every inherited role folded in. Fails with the first role that has
/// more than `max_depth` levels of `member_roles` below it.
pub(crate) fn role_coverage(own: &[Coverage], children: &Csr, max_depth: u32) -> Result<Vec<Coverage>, TooDeep> {
    let mut out = Vec::with_capacity(own.len());
    let mut mark = vec![u32::MAX; own.len()];
    let mut reached = Vec::new();
    for r in 0..own.len() as u32 {
        reach(r, children, max_depth, &mut mark, &mut reached)?;
        let mut total = Coverage::default();
        for c in reached.iter().filter_map(|&s| own.get(s as usize)) {
            total.union(c);
        }
        out.push(total);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PermissionSet;

    #[test]
    fn nested_groups_close_and_cycles_terminate() {
        // p0 ∈ g0; g1 lists g0; g2 lists g1; g1 lists g2 (a cycle); p1 ∈ g2.
        let direct = Csr::from_pairs(2, [(0, 0), (1, 2)].into_iter());
        let parents = Csr::from_pairs(3, [(0, 1), (1, 2), (2, 1)].into_iter());
        let Ok((of, members)) = memberships(2, 3, &direct, &parents, 64) else { panic!("within the limit") };
        assert_eq!(of.get(0), &[0, 1, 2]);
        assert_eq!(of.get(1), &[1, 2]);
        assert_eq!(members.get(0), &[0]);
        assert_eq!(members.get(2), &[0, 1]);
    }

    #[test]
    fn roles_inherit_through_cycles() {
        let mut a = Coverage::default();
        a.grant(PermissionSet::READ, None);
        let mut b = Coverage::default();
        b.grant(PermissionSet::UPDATE, None);
        let children = Csr::from_pairs(2, [(0, 1), (1, 0)].into_iter());
        let Ok(all) = role_coverage(&[a, b], &children, 64) else { panic!("within the limit") };
        let both = PermissionSet::READ | PermissionSet::UPDATE;
        assert_eq!(all[0].for_type(crate::index::TypeCode(4)), both);
        assert_eq!(all[1].for_type(crate::index::TypeCode(4)), both);
    }

    #[test]
    fn depth_counts_levels_and_cycles_add_none() {
        // A chain g0 ⊂ g1 ⊂ g2 ⊂ g3: three levels above g0. A cycle back to g0 adds nothing.
        let direct = Csr::from_pairs(1, [(0, 0)].into_iter());
        let chain = Csr::from_pairs(4, [(0, 1), (1, 2), (2, 3), (3, 0)].into_iter());
        assert!(memberships(1, 4, &direct, &chain, 3).is_ok());
        assert!(matches!(memberships(1, 4, &direct, &chain, 2), Err(TooDeep(0))));
        let own = vec![Coverage::default(); 4];
        assert!(role_coverage(&own, &chain, 3).is_ok());
        assert!(matches!(role_coverage(&own, &chain, 2), Err(TooDeep(0))));
    }
}
