using System.Text.Json;
using System.Text.Json.Nodes;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Tests.Policies;

/// <summary>
/// A preset broken in one place is refused, and the refusal names the field by its JSON path so
/// an office editing its own file knows where to look.
/// </summary>
public class PolicyValidatorTests
{
    private static JsonObject Preset(string id) =>
        JsonNode.Parse(
            PolicyPresets.SourceText(id),
            documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })!.AsObject();

    private static JsonArray Stages(JsonObject policy) => policy["stages"]!.AsArray();

    private static int IndexOf(JsonObject policy, string kind, string? list = null) =>
        Stages(policy).Select((s, i) => (s, i)).First(x => (string?)x.s!["kind"] == kind && (list is null || (string?)x.s!["list"] == list)).i;

    private static void Move(JsonObject policy, int from, int to)
    {
        var stages = Stages(policy);
        var stage = stages[from];
        stages.RemoveAt(from);
        stages.Insert(to, stage);
    }

    private static Refusal Refused(JsonObject policy)
    {
        var loaded = PolicyLoader.Load(policy.ToJsonString());

        Assert.False(loaded.IsOk, "the broken policy was accepted");
        Assert.Equal("policy.invalid", loaded.Refusal!.Code);
        Assert.Equal(RefusalKind.Invalid, loaded.Refusal.Kind);
        return loaded.Refusal;
    }

    /// <summary>Each case: the preset, how it is broken, and the problem the refusal must name.</summary>
    private static readonly Dictionary<string, (string Preset, Action<JsonObject> Break)> Breaks = new()
    {
        ["negative quota"] = ("jinan", p => p["quotas"]![0]!["max"] = -1),
        ["zero quota"] = ("changde", p => p["quotas"]![1]!["max"] = 0),
        ["quota for a tier not offered"] = ("weihai", p => p["quotas"]![0]!["tier"] = "nomination"),
        ["quota for a category not allowed"] = ("benxi", p => p["quotas"]![0]!["categories"] = new JsonArray("individual")),
        ["tier without a quota"] = ("changde", p => p["quotas"]!.AsArray().RemoveAt(1)),
        ["recognition with another tier"] = ("weihai", p => p["tiers"]!.AsArray().Add("award")),
        ["cycle of zero years"] = ("benxi", p => p["cycle"]!["lengthYears"] = 0),
        ["approval before deliberation"] = ("benxi", p => Move(p, IndexOf(p, "approval"), IndexOf(p, "deliberation"))),
        ["site review before material review"] = ("jinan", p => Move(p, IndexOf(p, "siteReview"), IndexOf(p, "materialReview"))),
        ["winners' notice before deliberation"] = ("changde", p => Move(p, IndexOf(p, "publicNotice", "proposedWinners"), IndexOf(p, "deliberation"))),
        ["acceptance notice before formal review"] = ("benxi", p => Move(p, IndexOf(p, "publicNotice", "acceptance"), IndexOf(p, "formalReview"))),
        ["internal publicity after submission"] = ("xinzhou", p => Move(p, IndexOf(p, "internalPublicity"), IndexOf(p, "submission"))),
        ["review before submission"] = ("jinan", p => Move(p, IndexOf(p, "materialReview"), 1)),
        ["required stage missing"] = ("weihai", p => Stages(p).RemoveAt(IndexOf(p, "deliberation"))),
        ["stage repeated"] = ("benxi", p => Stages(p).Insert(IndexOf(p, "siteReview"), JsonNode.Parse("""{ "kind": "siteReview", "article": "§19" }"""))),
        ["notice without minWorkingDays"] = ("changde", p => Stages(p)[IndexOf(p, "publicNotice", "acceptance")]!.AsObject().Remove("minWorkingDays")),
        ["notice of zero working days"] = ("jinan", p => Stages(p)[IndexOf(p, "publicNotice")]!["minWorkingDays"] = 0),
        ["notice without a list"] = ("benxi", p => Stages(p)[IndexOf(p, "publicNotice", "acceptance")]!.AsObject().Remove("list")),
        ["internal publicity without minWorkingDays"] = ("xinzhou", p => Stages(p)[IndexOf(p, "internalPublicity")]!.AsObject().Remove("minWorkingDays")),
        ["consultation naming no department"] = ("changde", p => Stages(p)[IndexOf(p, "consultation")]!["consult"] = new JsonArray()),
        ["deliberation without a body"] = ("weihai", p => Stages(p)[IndexOf(p, "deliberation")]!.AsObject().Remove("body")),
        ["in force without a start date"] = ("weihai", p => p["document"]!.AsObject().Remove("validFrom")),
        ["validity ending before it starts"] = ("xinzhou", p => p["document"]!["validTo"] = "2025-02-28"),
        ["four-new years above the general minimum"] = ("weihai", p => p["eligibility"]!["organisation"]!["fourNewMinYearsOperating"] = 7),
        ["negative years operating"] = ("benxi", p => p["eligibility"]!["organisation"]!["minYearsOperating"] = -1),
        ["clean-record window of zero"] = ("changde", p => p["eligibility"]!["organisation"]!["cleanRecordYears"] = 0),
        ["individual conditions where individuals may not apply"] = ("benxi", p => p["eligibility"]!["individual"] = JsonNode.Parse("""{ "article": "§0", "declarations": [] }""")),
        ["weights not summing to one"] = ("jinan", p => p["scoring"]!["composite"]![0]!["weight"] = 0.4),
        ["ban counted in cycles when cycles are not fixed"] = ("changde", p => p["bans"]![0]!["unit"] = "cycles"),
        ["negative money"] = ("benxi", p => p["money"]!["amounts"]![0]!["yuan"] = -200000),
        ["revocation window of zero"] = ("benxi", p => p["revocation"]!["windowYears"] = 0),
        ["unsupported schema version"] = ("weihai", p => p["schemaVersion"] = 3),
        ["schema 1 for a new policy"] = ("weihai", p => p["schemaVersion"] = 1),
        ["no certificate rule"] = ("weihai", p => p.Remove("certificate")),
        ["no office"] = ("weihai", p => p.Remove("office")),
        ["office without its article"] = ("benxi", p => p["office"]!["article"] = ""),
        ["money set elsewhere without the register's words"] = ("weihai", p => p["money"]!.AsObject().Remove("notSetZh")),
        ["certificate line missing for a tier"] = ("changde", p => p["certificate"]!["tiers"]!.AsArray().RemoveAt(1)),
        ["certificate line for a tier not offered"] = ("weihai", p => p["certificate"]!["tiers"]![0]!["tier"] = "award"),
        ["number pattern without the year"] = ("weihai", p => p["certificate"]!["tiers"]![0]!["numberPattern"] = "威质奖第{seq:3}号"),
        ["number pattern with a digit in its fixed text"] = ("weihai", p => p["certificate"]!["tiers"]![0]!["numberPattern"] = "威质奖〔{year}〕第{seq:3}号-1"),
        ["number pattern with year and sequence side by side"] = ("weihai", p => p["certificate"]!["tiers"]![0]!["numberPattern"] = "威质奖{year}{seq:3}"),
        ["number pattern too wide"] = ("weihai", p => p["certificate"]!["tiers"]![0]!["numberPattern"] = "威质奖〔{year}〕第{seq:9}号"),
        ["number pattern with a stray brace"] = ("weihai", p => p["certificate"]!["tiers"]![0]!["numberPattern"] = "威质奖〔{year}〕第{seq:3}号{x}"),
        ["two tiers numbered alike"] = ("changde", p => p["certificate"]!["tiers"]![1]!["numberPattern"] = "常质奖〔{year}〕第{seq:4}号"),
        ["certificate without an issuing body"] = ("benxi", p => p["certificate"]!["issuedBy"] = " "),
        ["id with capitals and spaces"] = ("weihai", p => p["id"] = "Weihai City"),
        ["trimmed mean resting on two scores"] = ("weihai", p => p["scoring"]!["minPanelScores"] = 2),
        ["panel report on no score"] = ("changde", p => p["scoring"]!["minPanelScores"] = 0),
    };

    public static TheoryData<string, string, string> Cases => new()
    {
        // case, path named, what the English message says
        { "negative quota", "$.quotas[0].max", "must be at least 1" },
        { "zero quota", "$.quotas[1].max", "must be at least 1" },
        { "quota for a tier not offered", "$.quotas[0].tier", "tier 'Nomination' is not in tiers" },
        { "quota for a category not allowed", "$.quotas[0].categories", "must list categories the policy allows" },
        { "tier without a quota", "$.quotas", "Nomination/Organisation must be counted by exactly one quota line (found 0)" },
        { "recognition with another tier", "$.tiers", "recognition is a single tier" },
        { "cycle of zero years", "$.cycle.lengthYears", "must be between 1 and 10 years" },
        { "approval before deliberation", "$.stages[10]", "the last stage must be the approval" },
        { "site review before material review", "$.stages", "material review must come before site review" },
        { "winners' notice before deliberation", "$.stages", "the proposed-winners notice must follow deliberation" },
        { "acceptance notice before formal review", "$.stages", "the acceptance notice must follow the formal review" },
        { "internal publicity after submission", "$.stages", "internal publicity must come before submission" },
        { "review before submission", "$.stages[1]", "only the call and internal publicity may come before submission" },
        { "required stage missing", "$.stages", "the required stage Deliberation is missing" },
        { "stage repeated", "$.stages", "stage SiteReview occurs more than once" },
        { "notice without minWorkingDays", "$.stages[5].minWorkingDays", "must be 1 to 60 working days" },
        { "notice of zero working days", "$.stages[9].minWorkingDays", "must be 1 to 60 working days" },
        { "notice without a list", "$.stages[4].list", "a notice must say which list it publishes" },
        { "internal publicity without minWorkingDays", "$.stages[1].minWorkingDays", "must be 1 to 60 working days" },
        { "consultation naming no department", "$.stages[3].consult", "must name the departments consulted" },
        { "deliberation without a body", "$.stages[10]", "deliberation needs a body and a method" },
        { "in force without a start date", "$.document.validFrom", "an in-force policy needs the date it took effect" },
        { "validity ending before it starts", "$.document.validTo", "ends before it begins" },
        { "four-new years above the general minimum", "$.eligibility.organisation.fourNewMinYearsOperating", "must not exceed the general minimum" },
        { "negative years operating", "$.eligibility.organisation.minYearsOperating", "must be 0 to 50 years" },
        { "clean-record window of zero", "$.eligibility.organisation.cleanRecordYears", "must be 1 to 20 years" },
        { "individual conditions where individuals may not apply", "$.eligibility.individual", "must be present exactly when individuals may apply" },
        { "weights not summing to one", "$.scoring.composite", "weights must sum to 1 (they sum to 1.1)" },
        { "ban counted in cycles when cycles are not fixed", "$.bans[0].unit", "cycles cannot be counted when the cycle length is not fixed" },
        { "trimmed mean resting on two scores", "$.scoring.minPanelScores", "must be 1 to 30, and at least 3 for the trimmed mean" },
        { "panel report on no score", "$.scoring.minPanelScores", "must be 1 to 30" },
        { "negative money", "$.money.amounts[0].yuan", "must not be negative" },
        { "revocation window of zero", "$.revocation.windowYears", "must be 1 to 50 years, or null for any time" },
        { "unsupported schema version", "$.schemaVersion", "unsupported version 3; expected 2" },
        // A schema-1 policy is read only as the copy a cycle opened before schema 2 keeps.
        { "schema 1 for a new policy", "$.schemaVersion", "unsupported version 1; expected 2" },
        { "no certificate rule", "$.certificate", "must give the certificate's issuing body and each tier's name and number pattern" },
        // Notices and mails are signed with the office the regulation names.
        { "no office", "$.office", "must name the office that runs the award day to day (publishes notices, takes objections) and its article" },
        { "office without its article", "$.office.article", "must cite its article" },
        // The register never prints a bare 0 for money a separate city rule sets.
        { "money set elsewhere without the register's words", "$.money.notSetZh", "where an amount is not set, must say how the register states the money (e.g. 按市政府有关规定; at most 60 characters)" },
        { "certificate line missing for a tier", "$.certificate.tiers", "Nomination needs exactly one certificate line" },
        { "certificate line for a tier not offered", "$.certificate.tiers[0].tier", "tier 'Award' is not in tiers" },
        { "number pattern without the year", "$.certificate.tiers[0].numberPattern", "must hold exactly one {year} and one {seq} or {seq:N}" },
        { "number pattern with a digit in its fixed text", "$.certificate.tiers[0].numberPattern", "the fixed text must hold no digits" },
        { "number pattern with year and sequence side by side", "$.certificate.tiers[0].numberPattern", "{year} and {seq} must be separated by text" },
        { "number pattern too wide", "$.certificate.tiers[0].numberPattern", "the sequence width must be 1 to 6" },
        { "number pattern with a stray brace", "$.certificate.tiers[0].numberPattern", "no braces other than {year} and {seq}" },
        // Changde counts awards and nominations apart, each from 1: the same fixed text would print 常质奖〔2027〕第001号 twice.
        { "two tiers numbered alike", "$.certificate.tiers[1].numberPattern", "differs from the Award pattern only in its numbers" },
        { "certificate without an issuing body", "$.certificate.issuedBy", "must name the issuing body" },
        { "id with capitals and spaces", "$.id", "use lowercase letters, digits and hyphens" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Load_PresetBrokenInOnePlace_IsRefusedNamingTheField(string name, string path, string message)
    {
        var (preset, breakIt) = Breaks[name];
        var policy = Preset(preset);
        breakIt(policy);

        var refusal = Refused(policy);

        Assert.Contains($"{path}: {message}", refusal.En, StringComparison.Ordinal);
        Assert.Contains(path, refusal.Zh, StringComparison.Ordinal);
    }

    [Fact]
    public void Cases_CoverEveryBreak()
    {
        Assert.Equal(Breaks.Keys.Order(), Cases.Select(c => (string)c[0]).Order());
    }

    [Theory]
    [InlineData("changde")]
    [InlineData("benxi")]
    [InlineData("jinan")]
    [InlineData("xinzhou")]
    [InlineData("weihai")]
    public void Validate_UnbrokenPreset_FindsNoProblem(string id)
    {
        Assert.Empty(PolicyValidator.Validate(PolicyPresets.Get(id)));
    }

    [Fact]
    public void LoadStored_SchemaOneCopyWithoutCertificate_LoadsForTheCycleThatKeptIt()
    {
        // A cycle opened before schema 2 keeps its policy copy as written: it must still load,
        // or the cycle's stream could no longer be read. A new policy of that shape is refused.
        var policy = Preset("weihai");
        policy["schemaVersion"] = 1;
        policy.Remove("certificate");

        var stored = PolicyLoader.LoadStored(policy.ToJsonString());

        Assert.True(stored.IsOk, stored.Refusal?.En);
        Assert.Null(stored.Value.Certificate);
        Assert.False(PolicyLoader.Load(policy.ToJsonString()).IsOk);
    }

    [Fact]
    public void Load_SeveralProblems_NamesEveryOneAndPointsAtTheFirst()
    {
        var policy = Preset("jinan");
        policy["quotas"]![0]!["max"] = -1;
        policy["scoring"]!["composite"]![0]!["weight"] = 0.4;

        var refusal = Refused(policy);

        Assert.Equal("$.quotas[0].max", refusal.Field);
        Assert.Contains("$.quotas[0].max", refusal.En, StringComparison.Ordinal);
        Assert.Contains("$.scoring.composite", refusal.En, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tiers", "bronze", "$.tiers")]
    [InlineData("categories", "company", "$.categories")]
    public void Load_UnknownEnumValue_IsRefusedNamingTheField(string field, string value, string path)
    {
        var policy = Preset("changde");
        policy[field]!.AsArray().Add(value);

        var refusal = Refused(policy);

        Assert.StartsWith(path, refusal.Field, StringComparison.Ordinal);
        Assert.Contains(path, refusal.En, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownStageKind_IsRefusedNamingTheStage()
    {
        var policy = Preset("weihai");
        Stages(policy)[3]!["kind"] = "lottery";

        var refusal = Refused(policy);

        Assert.Contains("$.stages[3].kind", refusal.En, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EnumGivenAsNumber_IsRefused()
    {
        // Integers are not accepted for enums: "tier": 1 would silently mean whatever the C# order is.
        var policy = Preset("jinan");
        policy["quotas"]![0]!["tier"] = 1;

        var refusal = Refused(policy);

        Assert.Contains("$.quotas[0].tier", refusal.En, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("awardName")]
    [InlineData("stages")]
    [InlineData("revocation")]
    public void Load_MissingRequiredField_IsRefusedNamingIt(string field)
    {
        var policy = Preset("xinzhou");
        policy.Remove(field);

        var refusal = Refused(policy);

        Assert.Contains(field, refusal.En, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingRequiredNestedField_IsRefusedNamingIt()
    {
        var policy = Preset("benxi");
        policy["quotas"]![0]!.AsObject().Remove("article");

        var refusal = Refused(policy);

        Assert.Contains("article", refusal.En, StringComparison.Ordinal);
        Assert.Contains("$.quotas[0]", refusal.En, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MisspelledField_IsRefusedNamingIt()
    {
        var policy = Preset("benxi");
        policy["emptyPlacesAlowed"] = true;

        var refusal = Refused(policy);

        Assert.Contains("emptyPlacesAlowed", refusal.En, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NullForRequiredList_IsRefused()
    {
        var policy = Preset("weihai");
        policy["tiers"] = null;

        var refusal = Refused(policy);

        Assert.Contains("tiers", refusal.En, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("{ \"schemaVersion\": 1, ")]
    [InlineData("[]")]
    public void Load_NotAPolicyDocument_IsRefused(string json)
    {
        var loaded = PolicyLoader.Load(json);

        Assert.Equal("policy.invalid", loaded.Refusal?.Code);
    }

    // Input that once made the validator throw (an exception here would surface as a 500).

    [Theory]
    [InlineData("37")]
    [InlineData("")]
    [InlineData("weihai")]
    public void Load_CityCodeTooShort_IsRefusedNotThrown(string code)
    {
        var policy = Preset("weihai");
        policy["city"]!["code"] = code;

        var loaded = PolicyLoader.Load(policy.ToJsonString());

        Assert.Equal("$.city.code", loaded.Refusal?.Field);
    }

    [Fact]
    public void Load_HugeWeights_AreRefusedNotThrown()
    {
        var policy = Preset("benxi");
        policy["scoring"]!["composite"]![0]!["weight"] = decimal.MaxValue;
        policy["scoring"]!["composite"]![1]!["weight"] = decimal.MaxValue;

        var loaded = PolicyLoader.Load(policy.ToJsonString());

        Assert.Equal("$.scoring.composite[0].weight", loaded.Refusal?.Field);
    }

    [Fact]
    public void Load_ImpossibleDate_IsRefusedNamingIt()
    {
        var policy = Preset("xinzhou");
        policy["document"]!["validTo"] = "2030-02-30";

        var loaded = PolicyLoader.Load(policy.ToJsonString());

        Assert.Equal("$.document.validTo", loaded.Refusal?.Field);
    }
}
