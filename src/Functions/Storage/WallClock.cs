namespace QualityAward.Functions.Storage;

/// <summary>
/// The clock Azure Storage checks a SAS against: real time, never the workflow's clock (which
/// tests and demos move, and which decides deadlines). A direct-upload address's start and expiry,
/// and everything compared with that expiry (completing it, sweeping it), read this clock, so they
/// agree with each other and with storage. Tests may register one over a fake time of their own.
/// </summary>
public sealed class WallClock(TimeProvider time)
{
    public DateTimeOffset UtcNow => time.GetUtcNow();
}
