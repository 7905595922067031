namespace QualityAward.Domain;

/// <summary>Which list a public notice (公示) publishes.</summary>
public enum NoticeList
{
    /// <summary>受理名单: the applications accepted for review.</summary>
    Acceptance,

    /// <summary>候选名单: candidates before the deciding body (Weihai §15 publishes this one).</summary>
    Candidates,

    /// <summary>获奖建议名单 / 拟奖名单: the proposed winners.</summary>
    ProposedWinners,
}

public static class NoticeListExtensions
{
    public static string Slug(this NoticeList list) => list switch
    {
        NoticeList.Acceptance => "acceptance",
        NoticeList.Candidates => "candidates",
        NoticeList.ProposedWinners => "proposed-winners",
        _ => throw new ArgumentOutOfRangeException(nameof(list)),
    };

    public static string Zh(this NoticeList list) => list switch
    {
        NoticeList.Acceptance => "受理名单",
        NoticeList.Candidates => "候选名单",
        NoticeList.ProposedWinners => "获奖建议名单",
        _ => throw new ArgumentOutOfRangeException(nameof(list)),
    };
}
