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
