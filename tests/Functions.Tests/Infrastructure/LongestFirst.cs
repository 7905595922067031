using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("QualityAward.Functions.Tests.Infrastructure.LongestFirst", "QualityAward.Functions.Tests")]

namespace QualityAward.Functions.Tests.Infrastructure;

/// <summary>
/// Starts the test classes that take longest first (each is its own collection and they run side
/// by side), so the run does not end waiting on one long class started last. Only the order
/// changes: a class missing from the list runs after these, in xunit's usual order.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    /// <summary>The longest classes, longest first (from a run's TRX durations; tens of seconds to minutes each).</summary>
    private static readonly string[] Longest =
    [
        "Infra.PackageTests", "Tour.TourTests", "Consultations.ConsultationTests", "Review.ChangdeReviewTests", "Review.WeihaiReviewTests",
        "Notices.NoticeTests", "Infra.BicepTests", "Reporting.ReportingStarTests", "Reporting.ReportingProcessTests",
        "Review.NoDeadEndsTests", "Pages.ApplicationFormPageTests", "Hostile.HostileInputTests",
    ];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(RankOf);

    private static int RankOf(ITestCollection collection)
    {
        for (var i = 0; i < Longest.Length; i++)
        {
            // A class's own collection is named "Test collection for {class}" (some versions add an id after a space).
            var name = "Test collection for QualityAward.Functions.Tests." + Longest[i];
            if (collection.DisplayName == name || collection.DisplayName.StartsWith(name + " ", StringComparison.Ordinal))
            {
                return i;
            }
        }

        return Longest.Length;
    }
}
