from django.db import models


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", "县委组织部工作人员"
    TOWNSHIP_OFFICER = "township_officer", "乡镇党委工作人员"
    VILLAGE_SECRETARY = "village_secretary", "村党组织书记/村务专干"
    UNIT_LIAISON = "unit_liaison", "县直单位联络员/名誉村长"
    TALENT = "talent", "城市人才"
    AUDITOR = "auditor", "审计管理员"
    # 三员分立: the system and security administrators hold no business scope.
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"


class VillageKind(models.TextChoices):
    VILLAGE = "village", "行政村"
    COMMUNITY = "community", "社区"


class VillageOrgKind(models.TextChoices):
    BRANCH = "branch", "村党支部"
    GENERAL_BRANCH = "general_branch", "村党总支"
    COMMITTEE = "committee", "村党委"


class UnitKind(models.TextChoices):
    ORGAN = "organ", "机关"
    INSTITUTION = "institution", "事业单位"
    SOE = "soe", "国有企业"


class UnitOrgKind(models.TextChoices):
    LEADING_GROUP = "leading_group", "党组"
    COMMITTEE = "committee", "党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "机关党支部"


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class PoliticalStatus(models.TextChoices):
    MEMBER = "member", "中共党员"
    PROBATIONARY = "probationary", "中共预备党员"
    MASSES = "masses", "群众"


class TalentStatus(models.TextChoices):
    ACTIVE = "active", "在岗"
    REPLACED = "replaced", "已更换"
    WITHDRAWN = "withdrawn", "已退出"


class AuditAction(models.TextChoices):
    """Every action code an audit record may carry, with the label the audit log shows."""

    LOGIN = "login", "登录"
    SUPERUSER_LOGIN = "superuser_login", "超级管理员登录"
    PASSWORD_RESET = "password_reset", "重置密码"
    UNLOCK = "unlock", "解除锁定"
    LOGOUT = "logout", "退出"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOCKOUT = "lockout", "账号锁定"
    TOKEN_LOGIN = "token_login", "接口登录"
    PASSWORD_CHANGE = "password_change", "修改密码"
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    DENIED = "denied", "拒绝操作"
    REVEAL = "reveal", "查看完整号码"
    EXPORT = "export", "导出"
    IMPORT = "import", "导入花名册"
    SEED_DEMO = "seed_demo", "生成演示数据"
    AUDIT_PURGE = "audit_purge", "清理过期审计记录"
    OTP_ENROL = "otp_enrol", "绑定身份验证器"
    OTP_RECOVERY_USED = "otp_recovery_used", "使用恢复码登录"
    AUDIT_EXPORT = "audit_export", "导出审计记录"
    NOT_FOUND = "not_found", "访问范围外或不存在的记录"
    # month close and activity review
    SUBMIT = "submit", "提交"
    CONFIRM = "confirm", "确认"
    REJECT = "reject", "退回"
    LOCK = "lock", "锁定"
    REOPEN = "reopen", "重新打开"
    ADD_PHOTO = "add_photo", "上传照片"
    DELETE_PHOTO = "delete_photo", "删除照片"
    # demands
    CLAIM = "claim", "认领需求"
    WITHDRAW_CLAIM = "withdraw_claim", "撤回认领"
    START = "start", "开始办理"
    RESOLVE = "resolve", "办结需求"
    CLOSE = "close", "关闭"
    INVITE = "invite", "邀请认领"
    URGE = "urge", "催办"
    RUN_JOB = "run_job", "手动运行定时任务"
    # meetings and evaluations
    FINALIZE = "finalize", "定稿纪要"
    FOLLOW_UP = "follow_up", "跟进决议"
    FORWARD = "forward", "转送评价"
    # agreements (agreement_<workflow step>)
    AGREEMENT_CREATE = "agreement_create", "协议新建"
    AGREEMENT_UPDATE = "agreement_update", "协议修改"
    AGREEMENT_EDIT = "agreement_edit", "协议编辑"
    AGREEMENT_SUBMIT = "agreement_submit", "协议提交"
    AGREEMENT_CONFIRM = "agreement_confirm", "协议确认"
    AGREEMENT_REJECT = "agreement_reject", "协议退回"
    AGREEMENT_SIGN = "agreement_sign", "协议签署"
    AGREEMENT_AMEND = "agreement_amend", "协议变更"
    AGREEMENT_CLOSE = "agreement_close", "协议关闭"
    AGREEMENT_CARRY_OVER = "agreement_carry_over", "协议结转"
    AGREEMENT_TRACK = "agreement_track", "协议更新进度"
    # assessment: rule tables, quarterly rollups, annual grades
    ASSESSMENT_RULES_CREATE = "assessment_rules_create", "设置年度考核细则"
    ASSESSMENT_ROLLUP = "assessment_rollup", "计算季度积分"
    ASSESSMENT_CONFIRM = "assessment_confirm", "确认季度积分"
    ASSESSMENT_PUBLISH = "assessment_publish", "公示季度积分"
    GRADES_PROPOSE = "grades_propose", "拟定年度等次"
    GRADE_CHANGE = "grade_change", "调整年度等次"
    GRADES_CONFIRM = "grades_confirm", "确认年度等次并备案"
    GRADES_REOPEN = "grades_reopen", "撤回年度等次备案"


class AuditResult(models.TextChoices):
    SUCCESS = "success", "成功"
    FAILURE = "failure", "失败"
    DENIED = "denied", "拒绝"


# Three lists and one agreement (三清单一协议, 000 §四(一)2).
class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "草拟中"
    SUBMITTED = "submitted", "村已提交"
    CONFIRMED = "confirmed", "单位已确认"
    SIGNED = "signed", "已签署"
    CLOSED = "closed", "已关闭"


class AgreementAction(models.TextChoices):
    CREATE = "create", "起草"
    SUBMIT = "submit", "提交"
    CONFIRM = "confirm", "确认"
    REJECT = "reject", "退回修改"
    SIGN = "sign", "签署"
    AMEND = "amend", "变更"
    CLOSE = "close", "关闭"
    CARRY_OVER = "carry_over", "结转下一年度"


class ResourceKind(models.TextChoices):
    FUNDS = "funds", "资金"
    MATERIALS = "materials", "物资"
    TALENT = "talent", "人才技术"
    INFORMATION = "information", "信息"
    POLICY = "policy", "政策"
    CHANNEL = "channel", "渠道"


class DemandCategory(models.TextChoices):
    INFRASTRUCTURE = "infrastructure", "基础设施"
    INDUSTRY = "industry", "产业发展"
    COLLECTIVE_ECONOMY = "collective_economy", "集体经济"
    LIVELIHOOD = "livelihood", "民生服务"
    GOVERNANCE = "governance", "基层治理"
    CIVILITY = "civility", "文明创建"
    TRAINING = "training", "人才培训"
    OTHER = "other", "其他"


class DemandPriority(models.TextChoices):
    HIGH = "high", "高"
    MEDIUM = "medium", "中"
    LOW = "low", "低"


class DemandItemStatus(models.TextChoices):
    OPEN = "open", "未解决"
    RESOLVED = "resolved", "已解决"


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", "计划中"
    IN_PROGRESS = "in_progress", "实施中"
    COMPLETED = "completed", "已完成"
    CANCELLED = "cancelled", "已取消"


class ExportStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"
