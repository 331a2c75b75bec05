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
