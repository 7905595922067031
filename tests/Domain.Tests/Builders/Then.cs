namespace QualityAward.Domain.Tests.Builders;

/// <summary>Assertions on a decision: the events it records, its refusal, or nothing at all.</summary>
public static class Then
{
    /// <summary>The decision refuses with this code and kind, and says why in Chinese and English.</summary>
    public static Refusal Refused<TEvent>(Decision<TEvent> decision, string code, RefusalKind kind, string? because = null)
        where TEvent : IDomainEvent
    {
        Assert.True(decision.IsRefused, $"Expected refusal {code} ({because}), got {decision}");
        Assert.True(code == decision.Refusal!.Code, $"Expected refusal {code} ({because}), got {decision.Refusal}");
        var refusal = decision.Refusal!;
        Assert.Equal(code, refusal.Code);
        Assert.Equal(kind, refusal.Kind);
        Assert.False(string.IsNullOrWhiteSpace(refusal.Zh), "The Chinese message is empty.");
        Assert.False(string.IsNullOrWhiteSpace(refusal.En), "The English message is empty.");
        Assert.Empty(decision.Events);
        return refusal;
    }

    /// <summary>The decision is accepted and records exactly these event types, in order.</summary>
    public static IReadOnlyList<TEvent> Accepted<TEvent>(Decision<TEvent> decision, params Type[] types)
        where TEvent : IDomainEvent
    {
        Assert.False(decision.IsRefused, $"Expected acceptance, got {decision}");
        Assert.Equal(types.Select(t => t.Name), decision.Events.Select(e => e.GetType().Name));
        return decision.Events;
    }

    /// <summary>The single event of the decision, of the given type.</summary>
    public static T Single<T, TEvent>(Decision<TEvent> decision)
        where TEvent : IDomainEvent
        where T : TEvent
    {
        Assert.False(decision.IsRefused, $"Expected acceptance, got {decision}");
        return Assert.IsType<T>(Assert.Single(decision.Events));
    }

    /// <summary>An idempotent repeat: accepted, nothing to record.</summary>
    public static void Nothing<TEvent>(Decision<TEvent> decision)
        where TEvent : IDomainEvent
    {
        Assert.False(decision.IsRefused, $"Expected nothing to do, got {decision}");
        Assert.Empty(decision.Events);
    }
}
