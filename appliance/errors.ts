// One catalogue of stable error codes. Clients and tests match on `code`; `message` is zh-CN for people.
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, message: '请求内容不符合要求' },
  MALFORMED_JSON: { status: 400, message: '请求内容不是有效的 JSON' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: '请求内容类型不受支持' },
  BODY_TOO_LARGE: { status: 413, message: '请求内容过大' },
  NOT_FOUND: { status: 404, message: '资源不存在' },
  AUTH_REQUIRED: { status: 401, message: '请先登录' },
  AUTH_INVALID_CREDENTIALS: { status: 401, message: '用户名或密码错误' },
  AUTH_LOCKED: { status: 423, message: '登录失败次数过多，账号已临时锁定' },
  AUTH_DISABLED: { status: 403, message: '账号已停用' },
  CITIZEN_TOKEN_INVALID: { status: 401, message: '案件链接无效或已过期' },
  FORBIDDEN: { status: 403, message: '无权执行此操作' },
  CASE_NOT_FOUND: { status: 404, message: '案件不存在' },
  PARTY_NOT_FOUND: { status: 404, message: '当事人不存在' },
  DISPATCH_NOT_FOUND: { status: 404, message: '派警记录不存在' },
  OFFICER_NOT_FOUND: { status: 404, message: '警员账号不存在' },
  USERNAME_TAKEN: { status: 409, message: '用户名已存在' },
  TRANSITION_NOT_ALLOWED: { status: 409, message: '案件当前状态不允许此操作' },
  CASE_NOT_EDITABLE: { status: 409, message: '案件当前状态不允许修改当事人信息' },
  CASE_ASSIGNED_ELSEWHERE: { status: 409, message: '案件已由其他民警处理' },
  PARTIES_REQUIRED: { status: 422, message: '请先录入当事人信息' },
  INVALID_PLATE: { status: 422, message: '号牌号码格式不正确' },
  INVALID_ID_NUMBER: { status: 422, message: '身份证号码不正确' },
  INVALID_LICENCE_CLASS: { status: 422, message: '准驾车型不正确' },
  INVALID_VEHICLE_TYPE: { status: 422, message: '车辆类型不正确' },
  DETERMINATION_PARTIES_MISMATCH: { status: 422, message: '认定内容须覆盖全部当事人且仅限本案当事人' },
  LIABILITY_INCONSISTENT: { status: 422, message: '责任划分不符合规定' },
  DISPATCH_STATUS_BACKWARDS: { status: 409, message: '派警状态不能回退' },
  REGISTRY_UNAVAILABLE: { status: 503, message: '核查系统暂时无法连接' },
  MEDIA_NOT_JOINED: { status: 409, message: '尚未加入视频通话' },
  MEDIA_CALL_NOT_ACTIVE: { status: 409, message: '案件当前不在视频处理中' },
  MEDIA_UNKNOWN_REQUEST: { status: 400, message: '未知的信令请求' },
  MEDIA_ROLE_NOT_ALLOWED: { status: 403, message: '当前身份不能执行此信令请求' },
  MEDIA_TRANSPORT_NOT_FOUND: { status: 404, message: '媒体通道不存在' },
  MEDIA_PRODUCER_NOT_FOUND: { status: 404, message: '媒体流不存在' },
  MEDIA_CONSUMER_NOT_FOUND: { status: 404, message: '媒体订阅不存在' },
  MEDIA_CANNOT_CONSUME: { status: 422, message: '浏览器不支持该媒体格式' },
  MEDIA_PEER_ABSENT: { status: 409, message: '对方不在通话中' },
  MEDIA_UNAVAILABLE: { status: 503, message: '视频服务暂时不可用，请稍后重试' },
  MEDIA_MESSAGE_TOO_LARGE: { status: 413, message: '信令消息过大' },
  MEDIA_TOO_MANY_MESSAGES: { status: 429, message: '信令消息过于频繁，连接已关闭' },
  EVIDENCE_NOT_AN_IMAGE: { status: 415, message: '上传的文件不是 JPEG 或 PNG 图片' },
  EVIDENCE_REQUEST_UNKNOWN: { status: 409, message: '取证请求不存在或已完成' },
  DOCUMENT_NOT_FOUND: { status: 404, message: '认定书不存在' },
  CASE_NOT_SERVED: { status: 409, message: '认定书尚未送达' },
  CLAIM_INSURER_NOT_SUPPORTED: { status: 422, message: '该保险公司暂不支持一键理赔，请直接联系保险公司报案' },
  CLAIM_PARTY_NOT_ALLOWED: { status: 403, message: '只能为本人车辆报案' },
  REVIEW_WINDOW_CLOSED: { status: 422, message: '已超过复核申请期限，不予受理' },
  REVIEW_ALREADY_FILED: { status: 409, message: '本起事故已提出复核申请' },
  NOTIFICATION_NOT_FOUND: { status: 404, message: '短信记录不存在' },
  EVIDENCE_NOT_FOUND: { status: 404, message: '证据不存在' },
  OCR_PENDING: { status: 409, message: '车牌识别尚未完成，请稍候' },
  FLEET_TOKEN_INVALID: { status: 401, message: '引导令牌无效、已使用或已过期' },
  FLEET_KEY_PROOF_INVALID: { status: 401, message: '设备密钥证明无效' },
  FLEET_KEY_ALREADY_ENROLLED: { status: 409, message: '该设备密钥已登记过，请生成新密钥后重新登记' },
  FLEET_BOX_UNKNOWN: { status: 401, message: '设备未登记' },
  FLEET_BOX_REVOKED: { status: 403, message: '设备已被吊销' },
  FLEET_SIGNATURE_INVALID: { status: 401, message: '设备签名无效' },
  FLEET_MESSAGE_STALE: { status: 401, message: '设备消息时间超出允许范围' },
  FLEET_BOX_NOT_FOUND: { status: 404, message: '设备不存在' },
  FLEET_DISTRICT_UNKNOWN: { status: 422, message: '辖区不存在' },
  FLEET_CONFIG_INVALID: { status: 422, message: '配置不符合要求' },
  FLEET_ROLLOUT_IN_PROGRESS: { status: 409, message: '已有配置正在下发，请等待完成' },
  FLEET_NO_BOX_AVAILABLE: { status: 503, message: '视频快处暂时无法接入，请拨打 122 报警' },
  CAMERA_NOT_FOUND: { status: 404, message: '摄像头不存在' },
  RATE_LIMITED: { status: 429, message: '请求过于频繁，请稍后再试' },
  SYNC_UNKNOWN_BOX: { status: 401, message: '设备未登记' },
  SYNC_BOX_REVOKED: { status: 403, message: '设备已被吊销' },
  SYNC_BAD_SIGNATURE: { status: 401, message: '签名校验失败' },
  SYNC_CLOCK_SKEW: { status: 401, message: '设备时间与平台时间相差过大' },
  SYNC_BAD_BATCH: { status: 422, message: '同步批次内容不符合要求' },
  SYNC_EVIDENCE_HASH_MISMATCH: { status: 422, message: '证据文件校验值不符' },
  SYNC_UPLOAD_EXISTS: { status: 409, message: '平台已收到该证据文件的一部分，请从平台记录的位置续传' },
  SYNC_DOWNSTREAM_NOT_FOUND: { status: 404, message: '下发内容不存在' },
  INTERNAL: { status: 500, message: '系统内部错误' },
} as const satisfies Record<string, { status: number; message: string }>

export type ErrorCode = keyof typeof ERRORS

export class AppError extends Error {
  readonly statusCode: number
  constructor(
    readonly code: ErrorCode,
    readonly details?: unknown,
  ) {
    super(ERRORS[code].message)
    this.statusCode = ERRORS[code].status
  }
}

export const fail = (code: ErrorCode, details?: unknown): never => {
  throw new AppError(code, details)
}
