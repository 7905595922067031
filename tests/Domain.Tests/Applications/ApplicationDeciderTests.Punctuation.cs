using QualityAward.Domain.Applications;
using QualityAward.Domain.Policies;
using QualityAward.Domain.Tests.Builders;

namespace QualityAward.Domain.Tests.Applications;

/// <summary>Joined messages read as one sentence (issue 18 item 6): 甲；乙。 never 甲。；乙。</summary>
public partial class ApplicationDeciderTests
{
    private static void AssertOneSentence(string zh, string en)
    {
        Assert.DoesNotContain("。；", zh, StringComparison.Ordinal);
        Assert.DoesNotContain("。。", zh, StringComparison.Ordinal);
        Assert.DoesNotContain("；。", zh, StringComparison.Ordinal);
        Assert.EndsWith("。", zh, StringComparison.Ordinal);
        Assert.DoesNotContain(".;", en, StringComparison.Ordinal);
        Assert.DoesNotContain("..", en, StringComparison.Ordinal);
    }

    [Fact]
    public void SaveDraft_WithTwoProblems_JoinsThemIntoOneSentence()
    {
        var form = new ApplicationForm { Name = "示例\u202E公司", YearsInQualityWork = 81 };

        var refusal = Then.Refused(Weihai().Drafted().Decide(new SaveDraft(form), Applicant, Dates.InWindow), "application.form-invalid", RefusalKind.Invalid);

        Assert.Equal(2, refusal.Problems.Count);
        Assert.All(refusal.Problems, p => Assert.EndsWith("。", p.Zh, StringComparison.Ordinal)); // each problem is a sentence on its own
        Assert.Contains("；", refusal.Zh, StringComparison.Ordinal);
        AssertOneSentence(refusal.Zh, refusal.En);
    }

    [Fact]
    public void Submit_AnEmptyDraft_ListsEveryMissingPieceInOneSentence()
    {
        var refusal = Then.Refused(Weihai().Drafted().Decide(new Submit(), Applicant, Dates.InWindow), "application.incomplete", RefusalKind.Invalid);

        Assert.True(refusal.Problems.Count > 1);
        Assert.Equal(refusal.Problems.Count - 1, refusal.Zh.Count(c => c == '；'));
        AssertOneSentence(refusal.Zh, refusal.En);
    }
}
