//! Group membership closed over `member_groups`, and role contents closed over `member_roles`.
//!
//! Both are precomputed so that no query follows a nesting edge. Both graphs may have cycles (the API
//! probably rejects them; a snapshot may still carry one), so every walk keeps a visited mark and the
//! result is the union of everything reachable (spec §4.3 e). Deleted groups and roles never enter the
//! graphs: the builder leaves them out, so they neither grant nor pass membership through.

use super::coverage::Coverage;
use super::csr::Csr;

/// For each principal, every group it belongs to (sorted); and for each group, every member (sorted).
///
/// `direct` maps a principal to the groups naming it in `member_users`; `parents` maps a group to the
/// groups naming it in `member_groups`, whose members it thereby joins.
pub(crate) fn memberships(principals: usize, groups: usize, direct: &Csr, parents: &Csr) -> (Csr, Csr) {
    // Per group, the set of groups reached by following `parents` from it, itself included. Groups number
    // in the hundreds to thousands, so one walk per group is cheap and keeps cycles trivially safe.
    let mut reach: Vec<Vec<u32>> = Vec::with_capacity(groups);
    let mut mark = vec![u32::MAX; groups];
    let mut stack = Vec::new();
    for g in 0..groups as u32 {
        let mut out = Vec::new();
        stack.clear();
        stack.push(g);
        while let Some(h) = stack.pop() {
            match mark.get_mut(h as usize) {
                Some(m) if *m != g => *m = g,
                _ => continue,
            }
            out.push(h);
            stack.extend_from_slice(parents.get(h as usize));
        }
        out.sort_unstable();
        reach.push(out);
    }

    let mut of_pairs = Vec::new();
    let mut seen = vec![u32::MAX; groups];
    for p in 0..principals as u32 {
        let start = of_pairs.len();
        for &d in direct.get(p as usize) {
            for &g in reach.get(d as usize).map(Vec::as_slice).unwrap_or(&[]) {
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
    let member_pairs: Vec<(u32, u32)> = of_pairs.iter().map(|&(p, g)| (g, p)).collect();
    // Pairs are generated principal by principal, so each group's member list comes out sorted.
    (Csr::from_pairs(principals, &of_pairs), Csr::from_pairs(groups, &member_pairs))
}

/// For each role, what it grants with every inherited role folded in.
pub(crate) fn role_coverage(own: &[Coverage], children: &Csr) -> Vec<Coverage> {
    let mut out = Vec::with_capacity(own.len());
    let mut mark = vec![u32::MAX; own.len()];
    let mut stack = Vec::new();
    for r in 0..own.len() as u32 {
        let mut total = Coverage::default();
        stack.clear();
        stack.push(r);
        while let Some(s) = stack.pop() {
            match mark.get_mut(s as usize) {
                Some(m) if *m != r => *m = r,
                _ => continue,
            }
            if let Some(c) = own.get(s as usize) {
                total.union(c);
            }
            stack.extend_from_slice(children.get(s as usize));
        }
        out.push(total);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PermissionSet;

    #[test]
    fn nested_groups_close_and_cycles_terminate() {
        // p0 ∈ g0; g1 lists g0; g2 lists g1; g1 lists g2 (a cycle); p1 ∈ g2.
        let direct = Csr::from_pairs(2, &[(0, 0), (1, 2)]);
        let parents = Csr::from_pairs(3, &[(0, 1), (1, 2), (2, 1)]);
        let (of, members) = memberships(2, 3, &direct, &parents);
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
        let children = Csr::from_pairs(2, &[(0, 1), (1, 0)]);
        let all = role_coverage(&[a, b], &children);
        let both = PermissionSet::READ | PermissionSet::UPDATE;
        assert_eq!(all[0].for_type(crate::index::TypeCode(4)), both);
        assert_eq!(all[1].for_type(crate::index::TypeCode(4)), both);
    }
}
