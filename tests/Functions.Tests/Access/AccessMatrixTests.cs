using System.Net;
using System.Net.Http.Headers;
using System.Text;
using QualityAward.Domain;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Access;

/// <summary>
/// Who may call what: every endpoint of the app against every kind of caller, checked against one
/// written table. A new endpoint without a row fails <see cref="EveryEndpoint_HasARow"/>.
/// Two kinds of row: <c>Role</c> rows are decided by the caller's role alone (denied = 401/403);
/// <c>Own</c> rows concern applicant A's real application, where a caller who may not see it
/// must not learn it exists either (denied = 401/403/404, or the page's sign-in redirect).
/// </summary>
public sealed class AccessMatrixTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private const string A = "applicant-a", B = "applicant-b", OtherDistrict = "recommender-wendeng", OwnDistrict = "recommender-huancui";
    private const string Reviewer = "reviewer", Office = "office", Committee = "committee", Supervisor = "supervisor", Anonymous = "anonymous";

    /// <summary>Experts: one on the panel assigned to A's material review (its leader), one recused from A, one on no panel.</summary>
    private const string Assigned = "exp-assigned", Recused = "exp-recused";

    private static readonly string[] Everyone = [Anonymous, A, B, OtherDistrict, OwnDistrict, Reviewer, Assigned, Recused, Office, Committee, Supervisor];
    private static readonly string[] Reviewers = [Reviewer, Assigned, Recused];
    private static readonly string[] SignedIn = Everyone[1..];
    private static readonly string[] Applicants = [A, B];
    private static readonly string[] OfficeOnly = [Office];
    private static readonly string[] OfficeAndSupervision = [Office, Supervisor];
    private static readonly string[] Nobody = [];
    private static readonly string[] Staff = [Office, Supervisor];

    private enum Kind
    {
        /// <summary>Decided by the role: denied is 401/403, allowed is anything else.</summary>
        Role,

        /// <summary>Applicant A's application: denied is 401/403/404 (or the sign-in redirect), allowed is anything else.</summary>
        Own,

        /// <summary>The Functions host's trigger endpoints: called once, from loopback, as the host does.</summary>
        Host,
    }

    /// <summary>The table. Route values: see <see cref="Fill"/>.</summary>
    private static readonly Dictionary<string, (Kind Kind, string[] Allowed)> Table = new(StringComparer.Ordinal)
    {
        ["GET /healthz"] = (Kind.Role, Everyone),
        ["GET /healthz/ready"] = (Kind.Role, Everyone),
        ["GET /api/me"] = (Kind.Role, SignedIn),

        // Any other address: 404 for everyone.
        ["GET /{*path}"] = (Kind.Role, Everyone),
        ["POST /{*path}"] = (Kind.Role, Everyone),
        ["PUT /{*path}"] = (Kind.Role, Everyone),
        ["DELETE /{*path}"] = (Kind.Role, Everyone),
        ["PATCH /{*path}"] = (Kind.Role, Everyone),
        ["GET /openapi/v1.json"] = (Kind.Role, Everyone),
        ["GET /scalar/v1"] = (Kind.Role, Everyone),
        ["GET /scalar/favicon.svg"] = (Kind.Role, Everyone),
        ["GET /scalar/scalar.js"] = (Kind.Role, Everyone),

        // Policies, cycles, calendar.
        ["GET /api/policies"] = (Kind.Role, Everyone),
        ["GET /api/policies/{policyId}"] = (Kind.Role, Everyone),
        ["GET /api/policies/{policyId}/source"] = (Kind.Role, Everyone),
        ["POST /api/policies/validate"] = (Kind.Role, OfficeOnly),
        ["GET /api/cycles"] = (Kind.Role, Everyone),
        ["GET /api/cycles/{cycleId}"] = (Kind.Role, Everyone),
        ["POST /api/cycles"] = (Kind.Role, OfficeOnly),
        ["POST /api/cycles/{cycleId}/extend"] = (Kind.Role, OfficeOnly),
        ["POST /api/cycles/{cycleId}/rehearsal/clock"] = (Kind.Role, OfficeOnly),
        ["GET /api/calendar"] = (Kind.Role, Everyone),
        ["PUT /api/calendar/{year:int}"] = (Kind.Role, OfficeOnly),

        // Applications: applicant A owns the application; 环翠区 is its recommender.
        ["POST /api/cycles/{cycleId}/applications"] = (Kind.Role, Applicants),
        ["GET /api/applications"] = (Kind.Role, SignedIn),
        ["GET /api/applications/{applicationId}"] = (Kind.Own, [A, OwnDistrict, Assigned, Office, Supervisor]),
        ["GET /api/applications/{applicationId}/history"] = (Kind.Own, [A, Office, Supervisor]),
        ["PUT /api/applications/{applicationId}/form"] = (Kind.Own, [A]),
        ["POST /api/applications/{applicationId}/submit"] = (Kind.Own, [A]),
        ["POST /api/applications/{applicationId}/withdraw"] = (Kind.Own, [A]),
        ["POST /api/applications/{applicationId}/documents/"] = (Kind.Own, [A]),
        ["GET /api/applications/{applicationId}/documents/{documentId}"] = (Kind.Own, [A, OwnDistrict, Assigned, Office, Supervisor]),
        ["DELETE /api/applications/{applicationId}/documents/{documentId}"] = (Kind.Own, [A]),
        ["POST /api/applications/{applicationId}/documents/uploads/"] = (Kind.Own, [A]),
        ["POST /api/applications/{applicationId}/documents/uploads/{uploadId}/complete"] = (Kind.Role, Applicants),
        ["POST /api/applications/{applicationId}/recommend"] = (Kind.Own, [OwnDistrict]),
        ["POST /api/applications/{applicationId}/decline"] = (Kind.Own, [OwnDistrict]),
        ["POST /api/applications/{applicationId}/opinion-survey"] = (Kind.Role, OfficeOnly),
        ["POST /api/applications/{applicationId}/security-review"] = (Kind.Role, OfficeOnly),
        ["POST /api/applications/{applicationId}/accept"] = (Kind.Role, OfficeOnly),
        ["POST /api/applications/{applicationId}/refuse"] = (Kind.Role, OfficeOnly),
        ["POST /api/applications/{applicationId}/adverse-records/dismiss"] = (Kind.Role, OfficeOnly),
        ["POST /api/applications/{applicationId}/adverse-records/uphold"] = (Kind.Role, OfficeOnly),
        ["GET /api/cycles/{cycleId}/acceptance-list"] = (Kind.Role, OfficeAndSupervision),

        // Applicant pages (the session cookie carries the same token).
        ["GET /signin"] = (Kind.Role, Everyone),
        ["GET /signin/entra"] = (Kind.Role, Everyone),
        ["GET /signin/entra/callback"] = (Kind.Role, Everyone),
        ["POST /forms/signin"] = (Kind.Role, Everyone),
        ["POST /forms/signout"] = (Kind.Role, Everyone),
        ["GET /apply"] = (Kind.Own, Applicants),
        ["POST /forms/apply/new"] = (Kind.Role, Applicants),
        ["GET /apply/{applicationId}"] = (Kind.Own, [A]),
        ["POST /forms/apply/{applicationId}/save"] = (Kind.Own, [A]),
        ["POST /forms/apply/{applicationId}/submit"] = (Kind.Own, [A]),
        ["POST /forms/apply/{applicationId}/documents"] = (Kind.Own, [A]),

        // Notices and objections: the public reads and objects; the office decides.
        ["POST /api/cycles/{cycleId}/notices"] = (Kind.Role, OfficeOnly),
        ["GET /api/public/notices"] = (Kind.Role, Everyone),
        ["GET /api/public/notices/{noticeId}"] = (Kind.Role, Everyone),
        ["POST /api/public/notices/{noticeId}/objections"] = (Kind.Role, Everyone),
        ["POST /api/public/objections/lookup"] = (Kind.Role, Everyone),
        ["GET /api/notices/{noticeId}/objections"] = (Kind.Role, OfficeAndSupervision),
        ["GET /api/notices/{noticeId}/objections/{objectionId}/evidence/{evidenceId}"] = (Kind.Role, OfficeAndSupervision),
        ["POST /api/notices/{noticeId}/objections/{objectionId}/finding"] = (Kind.Role, OfficeOnly),
        ["POST /api/notices/{noticeId}/objections/findings"] = (Kind.Role, OfficeOnly),
        ["GET /notices"] = (Kind.Role, Everyone),
        ["GET /notices/{noticeId}"] = (Kind.Role, Everyone),
        ["POST /forms/notices/{noticeId}/objections"] = (Kind.Role, Everyone),
        ["GET /notices/{noticeId}/filed"] = (Kind.Role, Everyone),
        ["GET /objections"] = (Kind.Role, Everyone),
        ["POST /forms/objections/lookup"] = (Kind.Role, Everyone),
        ["GET /objections/result"] = (Kind.Role, Everyone),

        // Consultations: the office runs them; a department answers only through its signed link
        // (no caller here holds one: every link page refuses them all).
        ["POST /api/cycles/{cycleId}/consultations"] = (Kind.Role, OfficeOnly),
        ["GET /api/cycles/{cycleId}/consultations"] = (Kind.Role, OfficeAndSupervision),
        ["GET /api/cycles/{cycleId}/consultations/{consultationId}"] = (Kind.Role, OfficeAndSupervision),
        ["GET /api/cycles/{cycleId}/consultations/{consultationId}/files/{department}/{applicationId}"] = (Kind.Role, OfficeAndSupervision),
        ["POST /api/cycles/{cycleId}/consultations/{consultationId}/mails/{mailKey}/resend"] = (Kind.Role, OfficeOnly),
        ["POST /api/cycles/{cycleId}/consultations/{consultationId}/close"] = (Kind.Role, OfficeOnly),
        ["GET /consultations/{consultationId}/{department}"] = (Kind.Own, Nobody),
        ["POST /forms/consultations/{consultationId}/{department}"] = (Kind.Own, Nobody),

        // Expert review and decision: A's material review has a panel; one expert on it was recused.
        ["GET /api/experts"] = (Kind.Role, Staff),
        ["POST /api/experts"] = (Kind.Role, OfficeOnly),
        ["GET /api/experts/{expertId}"] = (Kind.Role, Staff),
        ["PUT /api/experts/{expertId}"] = (Kind.Role, OfficeOnly),
        ["POST /api/experts/{expertId}/remove"] = (Kind.Role, OfficeOnly),
        ["GET /api/cycles/{cycleId}/panels"] = (Kind.Role, Staff),
        ["POST /api/cycles/{cycleId}/panels"] = (Kind.Role, OfficeOnly),
        ["POST /api/cycles/{cycleId}/assignments"] = (Kind.Role, OfficeOnly),
        ["POST /api/cycles/{cycleId}/panels/{panelId}/members"] = (Kind.Role, OfficeOnly),
        ["POST /api/cycles/{cycleId}/panels/{panelId}/members/{expertId}/replace"] = (Kind.Role, OfficeOnly),
        ["POST /api/cycles/{cycleId}/panels/{panelId}/leader"] = (Kind.Role, OfficeOnly),
        ["POST /api/applications/{applicationId}/reviews/{stage}/reassign"] = (Kind.Role, OfficeOnly),
        ["GET /api/reviewer/assignments"] = (Kind.Role, Reviewers),
        ["GET /api/applications/{applicationId}/review"] = (Kind.Role, Staff),
        ["POST /api/applications/{applicationId}/conflicts"] = (Kind.Own, [Assigned]),
        ["POST /api/applications/{applicationId}/recusal-proposals"] = (Kind.Role, [Supervisor]),
        ["POST /api/applications/{applicationId}/recusals"] = (Kind.Role, OfficeOnly),
        ["POST /api/applications/{applicationId}/reviews/{stage}/scores"] = (Kind.Own, [Assigned]),
        ["GET /api/applications/{applicationId}/reviews/{stage}/scores"] = (Kind.Own, [Office, Supervisor, Assigned]),
        ["POST /api/applications/{applicationId}/reviews/{stage}/rescore"] = (Kind.Own, [Assigned, Office]),
        ["POST /api/applications/{applicationId}/reviews/{stage}/report"] = (Kind.Own, [Assigned, Office]),
        ["GET /api/cycles/{cycleId}/review-history"] = (Kind.Role, Staff),
        ["GET /api/applications/{applicationId}/site-reviewers"] = (Kind.Role, Applicants),
        ["POST /api/applications/{applicationId}/reviewer-ratings"] = (Kind.Role, Applicants),
        ["GET /api/cycles/{cycleId}/reviewer-ratings"] = (Kind.Role, Staff),
        ["POST /api/cycles/{cycleId}/customer-satisfaction"] = (Kind.Role, OfficeOnly),
        ["POST /api/cycles/{cycleId}/shortlist"] = (Kind.Role, OfficeOnly),
        ["POST /api/cycles/{cycleId}/composite"] = (Kind.Role, OfficeOnly),
        ["GET /api/cycles/{cycleId}/ranking"] = (Kind.Role, [Office, Supervisor, Committee]),
        ["POST /api/cycles/{cycleId}/candidates"] = (Kind.Role, OfficeOnly),
        // The body the policy names decides: Weihai's leading group (committee role); the office only where it forms the list itself (Xinzhou §17).
        ["POST /api/cycles/{cycleId}/winners"] = (Kind.Role, [Committee]),
        ["POST /api/applications/{applicationId}/disqualify"] = (Kind.Role, OfficeOnly),
        ["POST /api/applications/{applicationId}/approvals"] = (Kind.Role, OfficeOnly),
        ["POST /api/cycles/{cycleId}/announce"] = (Kind.Role, OfficeOnly),
        ["POST /api/cycles/{cycleId}/decisions/{decision}/withdraw"] = (Kind.Role, OfficeOnly),
        ["POST /api/applications/{applicationId}/reopen"] = (Kind.Role, OfficeOnly),
        ["GET /api/applications/{applicationId}/certificate"] = (Kind.Role, [A, B, Office]),

        // After the award: the register, holders' reports, revocation; reports from the public.
        ["GET /api/register/"] = (Kind.Role, Staff),
        ["GET /api/register/mine"] = (Kind.Role, Applicants),
        ["GET /api/register/due"] = (Kind.Role, Staff),
        ["GET /api/register/eligibility"] = (Kind.Role, Staff),
        ["GET /api/register/holders/{applicantKey}"] = (Kind.Role, Staff),
        ["POST /api/register/holders/{applicantKey}/bans"] = (Kind.Role, OfficeOnly),
        ["POST /api/register/awards/{applicationId}/revocation-proposals"] = (Kind.Role, OfficeOnly),
        ["POST /api/register/awards/{applicationId}/revocation"] = (Kind.Role, OfficeOnly),
        ["POST /api/register/awards/{applicationId}/recoveries"] = (Kind.Role, OfficeOnly),
        ["POST /api/register/awards/{applicationId}/inspections"] = (Kind.Role, OfficeOnly),
        ["POST /api/register/awards/{applicationId}/changes"] = (Kind.Role, Applicants),
        ["POST /api/register/awards/{applicationId}/changes/{changeId}/review"] = (Kind.Role, OfficeOnly),
        ["GET /api/public/register/"] = (Kind.Role, Everyone),
        ["GET /api/public/register/revocations"] = (Kind.Role, Everyone),
        ["GET /register"] = (Kind.Role, Everyone),
        ["GET /verify"] = (Kind.Role, Everyone),
        ["GET /verify/{code}"] = (Kind.Role, Everyone),
        ["GET /api/public/certificates/{code}"] = (Kind.Role, Everyone),
        ["GET /register/revocations"] = (Kind.Role, Everyone),
        ["POST /api/public/reports/"] = (Kind.Role, Everyone),
        ["POST /api/public/reports/lookup"] = (Kind.Role, Everyone),
        ["GET /api/reports/"] = (Kind.Role, [Supervisor, Office]),
        ["POST /api/reports/{reportId}/result"] = (Kind.Role, [Supervisor]),
        ["GET /reports"] = (Kind.Role, Everyone),
        ["POST /forms/reports"] = (Kind.Role, Everyone),
        ["GET /reports/filed"] = (Kind.Role, Everyone),
        ["GET /reports/lookup"] = (Kind.Role, Everyone),
        ["POST /forms/reports/lookup"] = (Kind.Role, Everyone),
        ["GET /reports/result"] = (Kind.Role, Everyone),
        ["GET /api/audit/verify"] = (Kind.Role, [Supervisor]),
        ["GET /api/audit/document-reads"] = (Kind.Role, [Supervisor]),

        // Reporting.
        ["POST /api/reporting/export"] = (Kind.Role, OfficeOnly),

        // Where it stands: the orchestrations and the worklist, for the office and the supervision group.
        ["GET /api/applications/{applicationId}/workflow"] = (Kind.Role, OfficeAndSupervision),
        ["GET /api/cycles/{cycleId}/workflow"] = (Kind.Role, OfficeAndSupervision),
        ["GET /api/cycles/{cycleId}/worklist"] = (Kind.Role, OfficeAndSupervision),
    };

    private TestApp _app = null!;
    private string _applicationId = null!;
    private string _documentId = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(azurite, configure: TestApp.GenerousRateLimits);
        await (await _app.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" })).ExpectAsync(201);
        var a = Client(A);
        var created = await (await a.PostJsonAsync("/api/cycles/weihai-2026/applications", new { category = "organisation" })).ExpectAsync(201);
        _applicationId = created.Str("applicationId");
        await (await a.PutJsonAsync($"/api/applications/{_applicationId}/form", Forms.WeihaiOrganisation())).ExpectAsync(200);
        var pdf = new ByteArrayContent(Encoding.ASCII.GetBytes("%PDF-1.4\n" + new string('m', 4000)));
        var uploaded = await (await a.PostAsync($"/api/applications/{_applicationId}/documents?kind=selfAssessmentReport&tradeSecret=false&name=report.pdf", pdf)).ExpectAsync(201);
        _documentId = uploaded.Str("documentId");
        await (await a.PostAsync($"/api/applications/{_applicationId}/submit", null)).ExpectAsync(200);

        // Recommended, surveyed and accepted (Weihai §13-14): A stands at the material review.
        var office = Client(Office);
        await (await Client(OwnDistrict).PostJsonAsync($"/api/applications/{_applicationId}/recommend", new { opinion = "同意推荐。" })).ExpectAsync(200);
        await (await office.PostJsonAsync($"/api/applications/{_applicationId}/opinion-survey", new { favourable = true, summary = "无负面舆情" })).ExpectAsync(200);
        await (await office.PostJsonAsync($"/api/applications/{_applicationId}/accept", new { })).ExpectAsync(200);

        // A panel for it: the expert who works for A is flagged on assignment and recused by the office.
        await (await office.PostJsonAsync("/api/experts", new { expertId = Assigned, name = "评审专家甲", employer = "山东大学（威海）", field = "卓越绩效管理", industryCodes = new[] { "C3670" }, contact = "0631-5200000" })).ExpectAsync(201);
        await (await office.PostJsonAsync("/api/experts", new { expertId = Recused, name = "评审专家乙", employer = "威海精工机械有限公司", field = "质量管理", industryCodes = new[] { "C3670" }, contact = "0631-5200001" })).ExpectAsync(201);
        await (await office.PostJsonAsync("/api/cycles/weihai-2026/panels", new { panelId = "panel-1", name = "材料评审组", members = new[] { Assigned, Recused }, leader = Assigned })).ExpectAsync(201);
        await (await office.PostJsonAsync("/api/cycles/weihai-2026/assignments", new { applicationId = _applicationId, stage = "materialReview", panelId = "panel-1" })).ExpectAsync(200);
        await (await office.PostJsonAsync($"/api/applications/{_applicationId}/recusals", new { expertId = Recused, recuse = true, reason = "系申报单位在职员工，予以回避" })).ExpectAsync(200);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private HttpClient Client(string caller)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _app.Address };
        var (role, affiliation) = caller switch
        {
            A or B => (Roles.Applicant, (string?)null),
            OtherDistrict => (Roles.Recommender, "371000:wendeng"),
            OwnDistrict => (Roles.Recommender, "371000:huancui"),
            Assigned or Recused => (Roles.Reviewer, null),
            Anonymous => (null, null),
            _ => (caller, null),
        };
        if (role is not null)
        {
            var token = DevTokens.Mint(TestApp.SigningKey, caller, [role], caller, affiliation, TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    private string Fill(string pattern) => pattern
        .Replace("{cycleId}", "weihai-2026").Replace("{applicationId}", _applicationId).Replace("{documentId}", _documentId)
        .Replace("{policyId}", "weihai").Replace("{year:int}", "2027").Replace("{documentName}", "v1").Replace("{documentName?}", "v1")
        .Replace("{noticeId}", "weihai-2026-candidates").Replace("{objectionId}", "obj-0").Replace("{evidenceId}", "evidence-1")
        .Replace("{consultationId}", "weihai-2026-c3").Replace("{department}", "tax").Replace("{mailKey}", "request-Tax").Replace("{uploadId}", "doc-0")
        .Replace("{receiptCode}", "ABCDEFGHJKMN").Replace("{stage}", "materialReview").Replace("{expertId}", "expert-0").Replace("{panelId}", "panel-1").Replace("{decision}", "winners")
        .Replace("{applicantKey}", "91350100M000100Y43").Replace("{changeId}", "change-0").Replace("{reportId}", "report-0").Replace("{*path}", "no-such-address");

    [Fact]
    public void EveryEndpoint_HasARow_AndEveryRowAnEndpoint()
    {
        var endpoints = EndpointList.Of(_app);

        var problems = endpoints.Except(Table.Keys).Select(e => $"no row for {e}")
            .Concat(Table.Keys.Except(endpoints).Select(e => $"a row for {e}, which the app does not have"))
            .ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task EveryCaller_GetsExactlyWhatTheTableAllows()
    {
        var wrong = new List<string>();
        foreach (var (endpoint, (kind, allowed)) in Table)
        {
            var method = endpoint[..endpoint.IndexOf(' ')];
            var path = Fill(endpoint[(endpoint.IndexOf(' ') + 1)..]);
            var callers = kind == Kind.Host ? [Anonymous] : Everyone;
            foreach (var caller in callers)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method == "*" ? "GET" : method), path) { Content = Body(method, path) };
                var response = await Client(caller).SendAsync(request);
                var status = (int)response.StatusCode;
                var toSignIn = status == 302 && response.Headers.Location?.OriginalString == "/signin";
                var denied = status is 401 or 403 || (kind == Kind.Own && (status == 404 || toSignIn));
                var shouldBeAllowed = kind == Kind.Host ? status != 404 : allowed.Contains(caller);
                if (status >= 500)
                {
                    wrong.Add($"{endpoint} as {caller}: {status} (a server error is never an answer)");
                }
                else if (denied == shouldBeAllowed)
                {
                    wrong.Add($"{endpoint} as {caller}: {status} ({(shouldBeAllowed ? "should be allowed" : "should be denied")})");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    /// <summary>A body that gets past content-type checks but carries nothing usable: no allowed call changes anything that matters.</summary>
    private static HttpContent? Body(string method, string path) => method switch
    {
        "POST" or "PUT" when path.StartsWith("/forms/", StringComparison.Ordinal) => new FormUrlEncodedContent([]),
        "POST" when path.EndsWith("/documents/", StringComparison.Ordinal) => new ByteArrayContent([]),
        "POST" or "PUT" => new StringContent("{}", Encoding.UTF8, "application/json"),
        _ => null,
    };
}
