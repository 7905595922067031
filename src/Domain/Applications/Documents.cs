namespace QualityAward.Domain.Applications;

/// <summary>What a file is for.</summary>
public enum DocumentKind
{
    /// <summary>自我评价报告.</summary>
    SelfAssessmentReport,

    /// <summary>证明材料.</summary>
    Evidence,

    /// <summary>推荐意见 / 推荐函.</summary>
    RecommendationLetter,

    /// <summary>单位内部公示证明 (Xinzhou §13).</summary>
    InternalPublicityProof,
}

/// <summary>
/// A verified file of an application. The blob it names is never overwritten: a new version of a
/// document is a new blob and a new <see cref="DocumentRef"/>.
/// </summary>
public sealed record DocumentRef
{
    public required string DocumentId { get; init; }

    public required DocumentKind Kind { get; init; }

    /// <summary>The name as uploaded (kept for people; never used as a path).</summary>
    public required string OriginalName { get; init; }

    /// <summary>The neutralised name used for downloads.</summary>
    public required string SafeName { get; init; }

    public required string ContentType { get; init; }

    public required long Size { get; init; }

    /// <summary>Lowercase hex SHA-256 of the content.</summary>
    public required string Sha256 { get; init; }

    public required string BlobName { get; init; }

    /// <summary>Marked by the applicant as holding trade secrets (商业秘密).</summary>
    public required bool TradeSecret { get; init; }
}
