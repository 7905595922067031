namespace QualityAward.Domain;

/// <summary>How the host should answer a refusal (RFC 9457 status family).</summary>
public enum RefusalKind
{
    /// <summary>The input is malformed or fails validation: 422.</summary>
    Invalid,

    /// <summary>The thing does not exist, or is not the caller's to see: 404.</summary>
    NotFound,

    /// <summary>A rule of the regulation or of the process says no at this point: 409.</summary>
    Rule,

    /// <summary>The caller may not do this: 403.</summary>
    Forbidden,
}

/// <summary>
/// A rule said no. <see cref="Code"/> is stable (clients and tests branch on it); the messages are
/// for people, in Chinese first. <see cref="Field"/> names the input that is wrong, when one is.
/// </summary>
public sealed record Refusal(string Code, RefusalKind Kind, string Zh, string En, string? Field = null)
{
    /// <summary>When several inputs are wrong at once (a form), each of them.</summary>
    public IReadOnlyList<FieldProblem> Problems { get; init; } = [];

    public static Refusal InvalidFields(string code, string zh, string en, IReadOnlyList<FieldProblem> problems) =>
        new(code, RefusalKind.Invalid, zh, en, problems.Count > 0 ? problems[0].Field : null) { Problems = problems };

    public static Refusal Invalid(string code, string zh, string en, string? field = null) =>
        new(code, RefusalKind.Invalid, zh, en, field);

    public static Refusal Rule(string code, string zh, string en, string? field = null) =>
        new(code, RefusalKind.Rule, zh, en, field);

    public static Refusal NotFound(string code, string zh, string en) =>
        new(code, RefusalKind.NotFound, zh, en);

    public static Refusal Forbidden(string code, string zh, string en) =>
        new(code, RefusalKind.Forbidden, zh, en);

    public override string ToString() => $"{Code}: {En}";
}

/// <summary>One wrong or missing input, named as the API and the form name it.</summary>
public sealed record FieldProblem(string Field, string Code, string Zh, string En);

/// <summary>A value or the reason there is none. Expected outcomes are values, not exceptions.</summary>
public readonly record struct Outcome<T>
{
    private readonly T? _value;

    private Outcome(T? value, Refusal? refusal)
    {
        _value = value;
        Refusal = refusal;
    }

    public Refusal? Refusal { get; }

    public bool IsOk => Refusal is null;

    /// <summary>The value; reading it from a refused outcome is a bug.</summary>
    public T Value => Refusal is null
        ? _value!
        : throw new InvalidOperationException($"No value: {Refusal}");

    public static Outcome<T> Ok(T value) => new(value, null);

    public static Outcome<T> Fail(Refusal refusal) => new(default, refusal);

    public static implicit operator Outcome<T>(T value) => Ok(value);

    public static implicit operator Outcome<T>(Refusal refusal) => Fail(refusal);
}
