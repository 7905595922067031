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

    /// <summary>A complete Benxi organisation form (§11): founded 2012, recommended by the Pingshan district regulator.</summary>
    public static object BenxiOrganisation(string name = "本溪钢铁精密铸造有限公司", string creditCode = "91350100M000100Y43") => new
    {
        name,
        districtId = "pingshan",
        contact = new { name = "李四", phone = "13900139000", email = "lisi@example.com" },
        declarations = new[] { "no-major-incident", "not-abnormal-list", "no-administrative-penalty", "no-failed-spot-check", "excellence-model" },
        authenticityDeclared = true,
        noStateSecretsDeclared = true,
        recommenderId = "pingshan",
        recommenderKind = "districtRegulator",
        qualityModel = "全面质量管理",
        creditCode,
        registeredAddress = "本溪市平山区解放北路1号",
        foundedOn = "2012-03-01",
        industrySector = "secondary",
        industryCode = "C3130",
        size = "large",
        sector = "enterprise",
    };

    /// <summary>A complete Changde organisation form (§9-10), addressed to the district regulator of <paramref name="districtId"/> (default 武陵区).</summary>
    public static object ChangdeOrganisation(string name = "常德精工科技有限公司", string creditCode = "91350100M000100Y43", string districtId = "wuling") => new
    {
        name,
        districtId,
        contact = new { name = "王五", phone = "13700137000", email = "wangwu@example.com" },
        declarations = new[] { "no-major-incident", "no-violation", "excellence-model" },
        authenticityDeclared = true,
        noStateSecretsDeclared = true,
        recommenderId = districtId,
        recommenderKind = "districtRegulator",
        qualityModel = "卓越绩效管理模式",
        creditCode,
        registeredAddress = "常德市武陵区朗州路1号",
        foundedOn = "2008-06-01",
        industrySector = "secondary",
        industryCode = "C3670",
        size = "medium",
        sector = "enterprise",
    };
}
