namespace QualityAward.Functions.Tests.Infrastructure;

/// <summary>Application forms that pass every check of a preset, for tests to start from.</summary>
public static class Forms
{
    /// <summary>A complete Weihai organisation form (§10): founded 2010, district body of Huancui recommends.</summary>
    public static object WeihaiOrganisation(string name = "威海精工机械有限公司", string creditCode = "91350100M000100Y43") => new
    {
        name,
        districtId = "huancui",
        contact = new { name = "张三", phone = "13800138000", email = "zhangsan@example.com" },
        declarations = new[] { "no-major-incident", "no-complaints-problem", "no-other-violation", "excellence-model" },
        authenticityDeclared = true,
        noStateSecretsDeclared = true,
        recommenderId = "huancui",
        recommenderKind = "districtQualityBody",
        qualityModel = "精益质量管理模式",
        creditCode,
        registeredAddress = "威海市环翠区世昌大道1号",
        foundedOn = "2010-05-01",
        industrySector = "secondary",
        industryCode = "C3670",
        size = "medium",
        sector = "enterprise",
    };
}
