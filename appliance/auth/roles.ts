// What each officer role may do. Routes name one permission; this table is the only place that
// decides who holds it.
export const ROLES = ['seat', 'supervisor', 'field', 'admin'] as const
export type Role = (typeof ROLES)[number]

export const ROLE_TEXT: Record<Role, string> = {
  seat: '坐席民警',
  supervisor: '值班领导',
  field: '现场民警',
  admin: '系统管理员',
}

const SEAT = [
  'self.read',
  'queue.read',
  'case.accept',
  'case.read', // cases in the queue and those the officer handles
  'case.edit',
  'case.verify',
  'case.assess',
  'case.dispatch',
  'case.determine',
  'case.serve',
] as const

export const PERMISSIONS = {
  seat: SEAT,
  supervisor: [...SEAT, 'case.read_all', 'case.close', 'audit.read', 'notification.read', 'notification.retry', 'violations.edit'],
  field: ['self.read', 'dispatch.read', 'dispatch.update'],
  admin: ['self.read', 'officer.manage'],
} as const satisfies Record<Role, readonly string[]>

export type Permission = (typeof PERMISSIONS)[Role][number]

export const can = (role: Role, p: Permission): boolean =>
  (PERMISSIONS[role] as readonly string[]).includes(p)
