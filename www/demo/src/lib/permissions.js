// The eight permissions in canonical order (the bit order of Subject.effectiveBatch), and "Manage access".
export const PERMISSIONS = [
  'create', 'read', 'update', 'delete', 'create_acls', 'read_acls', 'update_acls', 'delete_acls',
];

export const MANAGE_ACCESS = ['create_acls', 'read_acls', 'update_acls', 'delete_acls'];

/** Whether the permission is one of the four that make up "Manage access". */
export const isAclPermission = (permission) => permission.endsWith('_acls');
