using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using QualityAward.Domain;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests.Hostile;

/// <summary>
/// The hostile-input catalogue: each row is one bad request that must get a clear 4xx (a
/// problem+json answer under /api, a zh-CN page for pages), never echo markup raw, and leave
/// storage exactly as it was (every table entity, every blob's bytes, every queue's count).
/// Cases covered elsewhere: forged, expired and other-department consultation links
/// (Consultations/ConsultationTests.cs); replayed and tampered upload SAS (DirectUploadTests.cs);
/// hostile upload names, which are stored under a neutralised name (DocumentTests.cs);
/// too-large ZIP central directories (DocumentTests.cs); objection evidence (NoticeTests.cs).
/// </summary>
public sealed class HostileInputTests(Azurite azurite) : IClassFixture<Azurite>
{
    private const string Script = "<script>alert('qa')</script>";
    private const string Injection = "app-x' or PartitionKey ne '";
    private const string Cycle = "weihai-2026";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static World? _world;

    /// <summary>One app for the whole catalogue: a Weihai cycle, applicant A's submitted application S (with a file) and draft D.</summary>
    private sealed record World(TestApp App, string Submitted, string Draft, string DocumentId, Dictionary<string, string> BadDrafts);

    private async Task<World> WorldAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_world is not null)
            {
                return _world;
            }

            var app = await TestApp.StartAsync(azurite, configure: TestApp.GenerousRateLimits);
            await (await app.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" })).ExpectAsync(201);
            var a = app.As(Roles.Applicant, subject: "applicant-a");
            var submitted = (await (await a.PostJsonAsync($"/api/cycles/{Cycle}/applications", new { category = "organisation" })).ExpectAsync(201)).Str("applicationId");
            await (await a.PutJsonAsync($"/api/applications/{submitted}/form", Forms.WeihaiOrganisation())).ExpectAsync(200);
            var pdf = new ByteArrayContent(Encoding.ASCII.GetBytes("%PDF-1.4\n" + new string('m', 4000)));
            var documentId = (await (await a.PostAsync($"/api/applications/{submitted}/documents?kind=selfAssessmentReport&tradeSecret=false&name=report.pdf", pdf)).ExpectAsync(201)).Str("documentId");
            await (await a.PostAsync($"/api/applications/{submitted}/submit", null)).ExpectAsync(200);
            var draft = (await (await a.PostJsonAsync($"/api/cycles/{Cycle}/applications", new { category = "organisation" })).ExpectAsync(201)).Str("applicationId");
            await (await a.PutJsonAsync($"/api/applications/{draft}/form", Forms.WeihaiOrganisation("威海第二机械有限公司", "91350100M000100Y43"))).ExpectAsync(200);
            // Drafts may hold a malformed credit code (ApplicationApiTests); submitting one is refused.
            var bad = new Dictionary<string, string>();
            foreach (var (label, code) in new[] { ("check", "91350100M000100Y44"), ("short", "91350100M000100Y4"), ("lower", "91350100m000100o43"), ("letter", "91350100I000100Y43") })
            {
                var id = (await (await a.PostJsonAsync($"/api/cycles/{Cycle}/applications", new { category = "organisation" })).ExpectAsync(201)).Str("applicationId");
                await (await a.PutJsonAsync($"/api/applications/{id}/form", Forms.WeihaiOrganisation("威海" + label + "有限公司", code))).ExpectAsync(200);
                await Applicants.AttachReportAsync(app, id, "applicant-a");
                bad["{bad:" + label + "}"] = id;
            }

            return _world = new World(app, submitted, draft, documentId, bad);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>A row: what is sent, by whom, and the 4xx expected (a single digit 4 = any 4xx); with <see cref="Code"/>, the problem's code too.</summary>
    public sealed record Case(string Name, string Method, string Path, string? ContentType, object? Body, string Caller, int Expected, (string Name, string Value)[]? Headers = null, bool Echoes = false, string? Code = null)
    {
        public override string ToString() => Name;
    }

    private static string FormJson(string? creditCode = null, string? foundedOn = null, string? name = null)
    {
        var json = System.Text.Json.JsonSerializer.Serialize(Forms.WeihaiOrganisation(name ?? "威海第二机械有限公司", creditCode ?? "91350100M000100Y43"), Json.Options);
        return foundedOn is null ? json : json.Replace("\"2010-05-01\"", foundedOn, StringComparison.Ordinal);
    }

    private const string J = "application/json";
    private const string F = "application/x-www-form-urlencoded";
    private const string Pdf = "application/octet-stream";
    private const string Ban = "{\"policyId\":\"weihai\",\"reason\":\"falseMaterials\",\"startsOn\":\"2026-03-02\",\"cause\":\"c\",\"decisionReference\":\"r\"}";
    private const string Upload = "/api/applications/{D}/documents?kind=evidence&tradeSecret=false&name=";

    public static TheoryData<Case> Catalogue() =>
    [
        // Malformed, truncated, deep, oversized JSON.
        new("MalformedJson_IsRefused", "PUT", "/api/applications/{D}/form", J, "{\"name\": }", "A", 400),
        new("TruncatedJson_IsRefused", "PUT", "/api/applications/{D}/form", J, "{\"name\":\"威海", "A", 400),
        new("TenThousandOpenBrackets_AreRefusedAtTheDepthLimit", "PUT", "/api/applications/{D}/form", J, new string('[', 10_000), "A", 400),
        new("DeeplyNestedObjects_AreRefused", "POST", "/api/cycles/{C}/applications", J, string.Concat(Enumerable.Repeat("{\"a\":", 5_000)) + "1" + new string('}', 5_000), "A", 400),
        new("JsonOverTheOneMegabyteLimit_Is413", "PUT", "/api/applications/{D}/form", J, "{\"name\":\"" + new string('x', (int)JsonBody.MaxBytes) + "\"}", "A", 413),
        new("SatisfactionCsvOverTheOneMegabyteLimit_Is413", "POST", "/api/cycles/{C}/customer-satisfaction", "text/csv", "applicationId,index\n" + string.Concat(Enumerable.Repeat("app-x,85\n", 150_000)), "office", 413),
        new("JsonOverTheLimit_OnAnOfficeEndpoint_Is413", "POST", "/api/cycles", J, "[" + string.Join(",", Enumerable.Repeat("1", 600_000)) + "]", "office", 413),
        new("EmptyJsonBody_IsRefused", "POST", "/api/cycles/{C}/applications", J, "", "A", 400),
        new("JsonNull_IsRefused", "POST", "/api/cycles/{C}/applications", J, "null", "A", 400),
        new("JsonArrayForAnObject_IsRefused", "POST", "/api/cycles/{C}/applications", J, "[]", "A", 400),
        new("InvalidUtf8_IsRefused", "POST", "/api/cycles/{C}/applications", J, new byte[] { (byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}' }, "A", 400),
        new("UnknownMember_IsRefused", "POST", "/api/cycles/{C}/applications", J, "{\"category\":\"organisation\",\"isAdmin\":true}", "A", 400),

        // Wrong types, unknown enums, nulls.
        new("StringForAnInteger_IsRefused", "POST", "/api/cycles/{C}/shortlist", J, "{\"places\":\"three\"}", "office", 400),
        new("FractionForAnInteger_IsRefused", "POST", "/api/cycles/{C}/shortlist", J, "{\"places\":2.5}", "office", 400),
        new("ObjectForAnArray_IsRefused", "POST", "/api/cycles/{C}/winners", J, "{\"winners\":{},\"minutes\":\"m\"}", "committee", 400),
        new("UnknownEnumValue_IsRefused", "POST", "/api/cycles/{C}/applications", J, "{\"category\":\"alien\"}", "A", 400),
        new("EnumAsNumber_IsRefused", "POST", "/api/cycles/{C}/applications", J, "{\"category\":7}", "A", 400),
        new("NullForARequiredField_IsRefused", "POST", "/api/cycles/{C}/applications", J, "{\"category\":null}", "A", 400),
        new("MissingEnumField_IsRefused_NotTakenAsTheFirstValue", "POST", "/api/cycles/{C}/applications", J, "{}", "A", 400),
        new("Ban_WithoutItsReason_IsRefused_NotTakenAsTheFirstReason", "POST", "/api/register/holders/91350100M000100Y43/bans", J, Ban.Replace("\"reason\":\"falseMaterials\",", string.Empty, StringComparison.Ordinal), "office", 400),
        new("NullForARequiredString_IsRefused", "POST", "/api/applications/{S}/recommend", J, "{\"opinion\":null}", "recommender", 400),
        new("BooleanAsString_IsRefused", "POST", "/api/applications/{S}/security-review", J, "{\"flagged\":\"yes\",\"reason\":\"r\"}", "office", 400),
        new("HugeStringInAFormField_IsRefused", "PUT", "/api/applications/{D}/form", J, FormJson(name: new string('厂', 200_000)), "A", 4),
        new("HugeScriptStringInAnOpinion_IsRefused", "POST", "/api/applications/{D}/recommend", J, "{\"opinion\":\"" + string.Concat(Enumerable.Repeat(Script, 20_000)) + "\"}", "recommender", 4),

        new("PublicReport_WithANullSubject_IsRefused", "POST", "/api/public/reports/", J, "{\"concerning\":null,\"text\":\"x\",\"realName\":false}", "anonymous", 400),
        new("PublicReport_WithAHugeText_IsRefused", "POST", "/api/public/reports/", J, "{\"concerning\":\"威海精工\",\"text\":\"" + new string('举', 300_000) + "\",\"realName\":false}", "anonymous", 4),
        new("DirectUpload_OfNegativeSize_IsRefused", "POST", "/api/applications/{D}/documents/uploads/", J, "{\"kind\":\"evidence\",\"tradeSecret\":false,\"name\":\"a.pdf\",\"size\":-1}", "A", 4),
        new("DirectUpload_OfATerabyte_IsRefused", "POST", "/api/applications/{D}/documents/uploads/", J, "{\"kind\":\"evidence\",\"tradeSecret\":false,\"name\":\"a.pdf\",\"size\":1000000000000}", "A", 4),
        new("DirectUpload_WithASizeBeyondInt64_IsRefused", "POST", "/api/applications/{D}/documents/uploads/", J, "{\"kind\":\"evidence\",\"tradeSecret\":false,\"name\":\"a.pdf\",\"size\":99999999999999999999999}", "A", 400),

        // Credit codes and ID numbers.
        new("Submit_WithACreditCodeWithAWrongCheckCharacter_IsRefused", "POST", "/api/applications/{bad:check}/submit", null, null, "A", 422),
        new("Submit_WithACreditCodeOneCharacterShort_IsRefused", "POST", "/api/applications/{bad:short}/submit", null, null, "A", 422),
        new("Submit_WithACreditCodeInLowerCase_IsRefused", "POST", "/api/applications/{bad:lower}/submit", null, null, "A", 422),
        new("Submit_WithACreditCodeWithTheIllegalLetterI_IsRefused", "POST", "/api/applications/{bad:letter}/submit", null, null, "A", 422),
        new("Ban_OnACreditCodeWithAWrongCheckCharacter_IsRefused", "POST", "/api/register/holders/91350100M000100Y44/bans", J, Ban, "office", 4),
        new("Ban_OnACreditCodeWithIllegalLowerCaseLetters_IsRefused", "POST", "/api/register/holders/91350100m000100o43/bans", J, Ban, "office", 4),
        new("Ban_OnAnIdNumberWithAWrongCheckCharacter_IsRefused", "POST", "/api/register/holders/371002197506151230/bans", J, Ban, "office", 4),
        new("Ban_OnAnIdNumberOneDigitShort_IsRefused", "POST", "/api/register/holders/37100219750615123/bans", J, Ban, "office", 4),
        new("Ban_OnAnIdNumberWithAnImpossibleBirthDate_IsRefused", "POST", "/api/register/holders/371002197502301231/bans", J, Ban, "office", 4),
        new("Eligibility_OfAnIdNumberWithLetters_IsRefused", "GET", "/api/register/eligibility?policyId=weihai&applicantKey=3710021975061512ab", null, null, "office", 4),
        new("Expert_WithAnEmployerCreditCodeOfWrongLength_IsRefused", "POST", "/api/experts", J, "{\"name\":\"王五\",\"employer\":\"某大学\",\"employerCreditCode\":\"9135010\",\"field\":\"质量管理\",\"industryCodes\":[\"C\"],\"contact\":\"13800138000\"}", "office", 422),
        new("HolderKey_ThatIsNoCreditCode_IsRefused", "GET", "/api/register/holders/91350100M000100Y4%27%20or%20%271", null, null, "office", 4),

        // Dates.
        new("Date_February30_IsRefused", "PUT", "/api/applications/{D}/form", J, FormJson(foundedOn: "\"2026-02-30\""), "A", 4),
        new("Date_Month13_IsRefused", "PUT", "/api/applications/{D}/form", J, FormJson(foundedOn: "\"2026-13-01\""), "A", 4),
        new("Date_Yesterday_IsRefused", "PUT", "/api/applications/{D}/form", J, FormJson(foundedOn: "\"yesterday\""), "A", 4),
        new("CycleWindow_ClosingOnFebruary30_IsRefused", "POST", "/api/cycles", J, "{\"policyId\":\"weihai\",\"year\":2027,\"submissionOpensOn\":\"2027-03-01\",\"submissionClosesOn\":\"2027-02-30\"}", "office", 400),
        new("CycleWindow_ClosingBeforeItOpens_IsRefused", "POST", "/api/cycles", J, "{\"policyId\":\"weihai\",\"year\":2027,\"submissionOpensOn\":\"2027-04-30\",\"submissionClosesOn\":\"2027-03-01\"}", "office", 4),
        new("ExtendWindow_ToYesterday_IsRefused", "POST", "/api/cycles/{C}/extend", J, "{\"newClosesOn\":\"yesterday\",\"reason\":\"r\"}", "office", 400),
        new("ExtendWindow_ToADateBeforeTheClose_IsRefused", "POST", "/api/cycles/{C}/extend", J, "{\"newClosesOn\":\"2026-04-01\",\"reason\":\"r\"}", "office", 4),
        new("Calendar_ForAYearThatIsNoNumber_IsNotFound", "PUT", "/api/calendar/twenty", J, "{}", "office", 404),

        // Out-of-order commands.
        new("Accept_BeforeRecommendation_IsAConflict", "POST", "/api/applications/{S}/accept", J, "{}", "office", 4),
        new("Accept_ADraft_IsAConflict", "POST", "/api/applications/{D}/accept", J, "{}", "office", 4),
        new("Recommend_ADraft_IsAConflict", "POST", "/api/applications/{D}/recommend", J, "{\"opinion\":\"同意推荐\"}", "recommender", 4),
        new("Announce_BeforeWinners_IsAConflict", "POST", "/api/cycles/{C}/announce", J, "{\"reference\":\"威质奖〔2026〕1号\",\"announcedOn\":\"2026-03-02\"}", "office", 4),
        new("Winners_BeforeCandidates_IsAConflict", "POST", "/api/cycles/{C}/winners", J, "{\"winners\":[{\"applicationId\":\"{S}\",\"tier\":\"award\"}],\"vote\":null,\"minutes\":\"m\"}", "committee", 4),
        new("Shortlist_BeforeAnyReview_IsAConflict", "POST", "/api/cycles/{C}/shortlist", J, "{\"places\":3}", "office", 4),
        new("CandidateNotice_BeforeCandidates_IsAConflict", "POST", "/api/cycles/{C}/notices", J, "{\"list\":\"candidates\",\"firstDay\":\"2026-03-03\"}", "office", 4),
        new("Finding_OnAnObjectionThatDoesNotExist_IsNotFound", "POST", "/api/notices/weihai-2026-candidates/objections/obj-0/finding", J, "{\"upheld\":true,\"finding\":\"f\"}", "office", 404),
        new("BulkFinding_OnANoticeThatDoesNotExist_IsNotFound", "POST", "/api/notices/weihai-2026-candidates/objections/findings", J, "{\"objectionIds\":[\"obj-0\",\"obj-1\"],\"upheld\":false,\"finding\":\"不予受理\"}", "office", 404),
        new("BulkFinding_WithIdsAsAnObject_IsRefused", "POST", "/api/notices/weihai-2026-candidates/objections/findings", J, "{\"objectionIds\":{\"0\":\"obj-0\"},\"upheld\":false,\"finding\":\"f\"}", "office", 400),
        new("BulkFinding_WithNullIds_IsRefused", "POST", "/api/notices/weihai-2026-candidates/objections/findings", J, "{\"objectionIds\":null,\"upheld\":false,\"finding\":\"f\"}", "office", 400),
        new("BulkFinding_ByTheSupervisionGroup_IsForbidden", "POST", "/api/notices/weihai-2026-candidates/objections/findings", J, "{\"objectionIds\":[\"obj-0\"],\"upheld\":true,\"finding\":\"f\"}", "supervisor", 403),
        new("Revocation_OfAnAwardNeverGiven_IsRefused", "POST", "/api/register/awards/{S}/revocation", J, "{\"proposalId\":\"p-1\",\"revokedOn\":\"2026-03-02\",\"decisionReference\":\"r\"}", "office", 4),

        // Other applicants' resources.
        new("AnotherApplicant_ReadingMyApplication_IsNotFound", "GET", "/api/applications/{S}", null, null, "B", 404),
        new("AnotherApplicant_SavingMyForm_IsNotFound", "PUT", "/api/applications/{D}/form", J, FormJson(), "B", 404),
        new("AnotherApplicant_SubmittingMyDraft_IsNotFound", "POST", "/api/applications/{D}/submit", null, null, "B", 404),
        new("AnotherApplicant_WithdrawingMyApplication_IsNotFound", "POST", "/api/applications/{S}/withdraw", J, "{\"reason\":\"r\"}", "B", 404),
        new("AnotherApplicant_ReadingMyFile_IsNotFound", "GET", "/api/applications/{S}/documents/{doc}", null, null, "B", 404),
        new("AnotherApplicant_RemovingMyFile_IsNotFound", "DELETE", "/api/applications/{S}/documents/{doc}", null, null, "B", 404),
        new("AnotherDistrict_RecommendingMyApplication_IsRefused", "POST", "/api/applications/{S}/recommend", J, "{\"opinion\":\"同意\"}", "recommender-other", 4),
        new("AnotherApplicant_OpeningMyDraftPage_IsNotFound", "GET", "/apply/{D}", null, null, "B-cookie", 404),

        // Injection characters in paths and queries; unknown ids.
        new("ApplicationId_WithAnODataFilter_IsNotFound", "GET", "/api/applications/" + Uri.EscapeDataString(Injection), null, null, "office", 404),
        new("ApplicationId_WithSqlQuotes_IsNotFound", "GET", "/api/applications/" + Uri.EscapeDataString("1' OR '1'='1") + "/history", null, null, "office", 404),
        new("CycleId_WithAnODataFilter_IsNotFound", "GET", "/api/cycles/" + Uri.EscapeDataString("weihai-2026' or RowKey ne '"), null, null, "office", 4),
        new("ApplicationsQuery_WithAnODataFilter_IsRefused", "GET", "/api/applications?cycleId=" + Uri.EscapeDataString(Injection), null, null, "office", 4),
        new("ReceiptCode_WithAnODataFilter_IsNotFound", "POST", "/api/public/objections/lookup", J, "{\"receiptCode\":\"ABC' or PartitionKey ne '\"}", "anonymous", 404),
        new("ReportReceipt_WithAnODataFilter_IsNotFound", "POST", "/api/public/reports/lookup", J, "{\"receiptCode\":\"x' or 1 eq 1 or '\"}", "anonymous", 404),
        new("ReceiptCode_InAPath_IsNotAnsweredAnyMore", "GET", "/api/public/objections/ABCDEFGHJKMN", null, null, "anonymous", 404),
        new("ReportReceipt_InAPath_IsNotAnsweredAnyMore", "GET", "/api/public/reports/ABCDEFGHJKMN", null, null, "anonymous", 4),
        new("ReceiptLookup_WithANullCode_IsRefused", "POST", "/api/public/objections/lookup", J, "{\"receiptCode\":null}", "anonymous", 400),
        new("ReceiptLookup_WithTheCodeAsANumber_IsRefused", "POST", "/api/public/reports/lookup", J, "{\"receiptCode\":123456789012}", "anonymous", 400),
        new("NoticeId_WithScript_IsNotFound", "GET", "/api/public/notices/" + Uri.EscapeDataString(Script), null, null, "anonymous", 404),
        new("NoticePage_WithScript_IsAnEncodedZhPage", "GET", "/notices/" + Uri.EscapeDataString(Script), null, null, "anonymous", 404),
        new("EncodedTraversal_InAnId_IsNotFound", "GET", "/api/applications/..%2F..%2Fevents", null, null, "office", 404),
        new("DocumentId_WithTraversal_IsNotFound", "GET", "/api/applications/{S}/documents/..%2F..%2Freport", null, null, "A", 404),
        new("UnknownApiRoute_IsNotFound", "GET", "/api/nothing-here?$filter=" + Uri.EscapeDataString("PartitionKey ne ''"), null, null, "office", 404),
        new("Objection_ToAnUnknownNotice_IsNotFound", "POST", "/api/public/notices/" + Uri.EscapeDataString(Injection) + "/objections", J, "{\"text\":\"" + Script + "\",\"realName\":false}", "anonymous", 404),

        // Headers.
        new("HugeIdempotencyKey_IsRefused", "POST", Upload + "a.pdf", Pdf, "%PDF-1.4\n" + new string('m', 200), "A", 400, [("Idempotency-Key", new string('k', 4_000))]),
        new("GarbageAcceptLanguage_StillGetsAProblem", "PUT", "/api/applications/{D}/form", J, "{", "A", 400, [("Accept-Language", "zz-ZZ;q=9, *;q=-1, ;;;, en-")]),
        new("HugeAcceptLanguage_StillGetsAProblem", "PUT", "/api/applications/{D}/form", J, "{", "A", 400, [("Accept-Language", string.Join(",", Enumerable.Repeat("en-US;q=0.1", 1_000)))]),

        // Content types.
        new("TextPlain_ToAJsonEndpoint_Is415", "POST", "/api/cycles/{C}/applications", "text/plain", "{\"category\":\"organisation\"}", "A", 415),
        new("NoContentType_ToAJsonEndpoint_Is415", "PUT", "/api/applications/{D}/form", null, FormJson(), "A", 415),
        new("FormEncoded_ToAJsonEndpoint_Is415", "POST", "/api/cycles", F, "policyId=weihai&year=2027", "office", 415),
        new("MultipartWithoutBoundary_ToObjections_IsRefused", "POST", "/api/public/notices/weihai-2026-candidates/objections", "multipart/form-data", "--x\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nhi\r\n--x--\r\n", "anonymous", 4),
        new("MultipartWithoutBoundary_ToReports_IsRefused", "POST", "/forms/reports", "multipart/form-data", "--x\r\n\r\n", "anonymous", 4),

        // Uploads: content lies and bombs.
        new("HtmlNamedPdf_IsRefused", "POST", Upload + "report.pdf", Pdf, "<html><body>" + Script + "</body></html>", "A", 415),
        new("TraversalName_WithHtmlInside_IsRefused", "POST", Upload + Uri.EscapeDataString("../../../etc/passwd.pdf"), Pdf, "<!DOCTYPE html><html>" + Script, "A", 415),
        new("RtlOverrideName_WithAnExecutableInside_IsRefused", "POST", Upload + Uri.EscapeDataString("report\u202Efdp.exe"), Pdf, new byte[] { (byte)'M', (byte)'Z', 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xFF, 0xFF }, "A", 415),
        new("SvgWithScript_NamedPng_IsRefused", "POST", Upload + "logo.png", Pdf, "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>", "A", 415),
        new("ZipBomb_ClaimingMoreEntriesThanItHolds_IsRefused", "POST", Upload + "report.docx", Pdf, ZipBomb(), "A", 415),
        new("UploadTo_ASubmittedApplication_IsRefused", "POST", "/api/applications/{S}/documents?kind=evidence&tradeSecret=false&name=a.pdf", Pdf, "%PDF-1.4\n" + new string('m', 200), "A", 4),
        new("UploadOfAnUnknownKind_IsRefused", "POST", "/api/applications/{D}/documents?kind=" + Uri.EscapeDataString(Injection) + "&tradeSecret=false&name=a.pdf", Pdf, "%PDF-1.4\n" + new string('m', 200), "A", 422),

        // Pages: cross-site posts, wrong content types, echoed markup.
        new("CrossSiteSave_OfMyDraft_IsForbidden", "POST", "/forms/apply/{D}/save", F, "name=" + Uri.EscapeDataString(Script), "A-cookie", 403, [("Origin", "https://evil.example")]),
        new("CrossSiteSubmit_OfMyDraft_IsForbidden", "POST", "/forms/apply/{D}/submit", F, "", "A-cookie", 403, [("Sec-Fetch-Site", "cross-site")]),
        new("CrossSiteNewApplication_IsForbidden", "POST", "/forms/apply/new", F, "cycleId=weihai-2026&category=organisation", "A-cookie", 403, [("Origin", "https://evil.example")]),
        new("NullOriginUpload_IsForbidden", "POST", "/forms/apply/{D}/documents", F, "", "A-cookie", 403, [("Origin", "null")]),
        new("JsonPostedToAPageForm_IsForbidden", "POST", "/forms/apply/{D}/save", J, "{\"name\":\"x\"}", "A-cookie", 403),
        new("CrossSiteSignIn_IsRefused", "POST", "/forms/signin", F, "subject=attacker&role=applicant", "anonymous", 4, [("Origin", "https://evil.example")]),
        new("SaveOfAnInjectedId_IsNotFound", "POST", "/forms/apply/" + Uri.EscapeDataString(Injection) + "/save", F, "name=x", "A-cookie", 404),
        new("ReceiptLookup_WithScript_IsAnEncodedZhPage", "POST", "/forms/objections/lookup", F, "receiptCode=" + Uri.EscapeDataString(Script), "anonymous", 4),
        new("ReportLookup_WithScript_IsAnEncodedZhPage", "POST", "/forms/reports/lookup", F, "receiptCode=" + Uri.EscapeDataString(Script), "anonymous", 4),
        new("PublicReport_WithoutText_EchoesScriptEncoded", "POST", "/forms/reports", F, "concerning=" + Uri.EscapeDataString(Script) + "&text=", "anonymous", 4, Echoes: true),
        new("CycleId_WithScript_EchoesItAsAJsonString", "POST", "/api/cycles/" + Uri.EscapeDataString(Script) + "/extend", J, "{\"newClosesOn\":\"2026-05-10\",\"reason\":\"r\"}", "office", 4, Echoes: true),
        new("ApplicationsQuery_WithScript_EchoesItAsAJsonString", "GET", "/api/applications?cycleId=" + Uri.EscapeDataString(Script), null, null, "office", 4, Echoes: true),
        new("ConsultationLink_WithAForgedToken_IsRefused", "GET", "/consultations/weihai-2026-c1/tax?t=" + Uri.EscapeDataString("forged." + Script), null, null, "anonymous", 4),
        new("ConsultationLink_ForAnUnknownDepartment_IsRefused", "GET", "/consultations/weihai-2026-c1/" + Uri.EscapeDataString(Script) + "?t=x", null, null, "anonymous", 4),
        new("ConsultationAnswer_WithAForgedToken_IsRefused", "POST", "/forms/consultations/weihai-2026-c1/tax?t=forged", F, "t=forged&respondentName=" + Uri.EscapeDataString(Script), "anonymous", 4),

        // Files staff would open on their desktops: active PDFs, polyglots, macros, unsafe names, bombs (issue 17).
        new("Pdf_WithAnOpenActionThatRunsJavaScript_IsRefused", "POST", Upload + "report.pdf", Pdf, ActivePdf("<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"), "A", 415, Code: "document.pdf-active-content"),
        new("Pdf_WithJavaScriptWrittenAsANameEscape_IsRefused", "POST", Upload + "report.pdf", Pdf, ActivePdf("<< /OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> >>"), "A", 415, Code: "document.pdf-active-content"),
        new("Pdf_WithALaunchAction_IsRefused", "POST", Upload + "report.pdf", Pdf, ActivePdf("<< /OpenAction << /S /Launch /F (cmd.exe) >> >>"), "A", 415, Code: "document.pdf-active-content"),
        new("Pdf_WithAnEmbeddedFile_IsRefused", "POST", Upload + "report.pdf", Pdf, ActivePdf("<< /Type /EmbeddedFile /Length 4 >>\nstream\nMZ\u0090\u0000\nendstream"), "A", 415, Code: "document.pdf-active-content"),
        new("Pdf_WithAdditionalActions_IsRefused", "POST", Upload + "report.pdf", Pdf, ActivePdf("<< /Type /Page /AA << /O 4 0 R >> >>"), "A", 415, Code: "document.pdf-active-content"),
        new("Pdf_WithJavaScriptInACompressedObjectStream_IsRefused", "POST", Upload + "report.pdf", Pdf, PdfWithObjectStream("<< /S /JavaScript /JS (app.alert(1)) >>"), "A", 415, Code: "document.pdf-active-content"),
        new("PdfHtmlPolyglot_IsRefused", "POST", Upload + "report.pdf", Pdf, "%PDF-1.4\n<html><body>" + Script + "</body></html>\n%%EOF\n", "A", 415, Code: "document.polyglot"),
        new("Docx_WithAVbaProject_IsRefused", "POST", Upload + "report.docx", Pdf, OfficeZip(("word/vbaProject.bin", 512)), "A", 415, Code: "document.office-macros"),
        new("Xlsx_WithAnExcel4MacroSheet_IsRefused", "POST", Upload + "data.xlsx", Pdf, OfficeZip(("xl/macrosheets/sheet1.xml", 512)), "A", 415, Code: "document.office-macros"),
        new("Docx_WithATraversingEntryName_IsRefused", "POST", Upload + "report.docx", Pdf, OfficeZip(("../../../../tmp/evil.exe", 64)), "A", 415, Code: "document.zip-entry-name"),
        new("Docx_WithAnAbsoluteEntryName_IsRefused", "POST", Upload + "report.docx", Pdf, OfficeZip(("/etc/cron.d/evil", 64)), "A", 415, Code: "document.zip-entry-name"),
        new("Docx_DeclaringTwoHundredMebibytesUnpacked_IsRefusedAsABomb", "POST", Upload + "report.docx", Pdf, OfficeZip(("word/media/zeros.bin", 200 * 1024 * 1024)), "A", 415, Code: "document.zip-unpacked-too-large"),

        // Free text without a visible character; anonymity that identifies; another city's recommender (issue 17).
        new("PublicReport_OfInvisibleCharactersOnly_IsRefused", "POST", "/api/public/reports/", J, "{\"concerning\":\"威海精工\",\"text\":\"\\u0000\\u202e\\u200b\",\"realName\":false}", "anonymous", 422, Code: "text.no-visible-character"),
        new("AnonymousPublicReport_WithANameAndPhone_IsRefused", "POST", "/api/public/reports/", J, "{\"concerning\":\"威海精工\",\"text\":\"违规使用称号\",\"realName\":false,\"name\":\"张三\",\"contact\":\"13800000000\"}", "anonymous", 422, Code: "report.anonymous-identified"),
        new("Opinion_OfZeroWidthCharactersOnly_IsRefused", "POST", "/api/applications/{S}/recommend", J, "{\"opinion\":\"\\u200b\\u200c\\u2060\"}", "recommender", 422, Code: "text.no-visible-character"),
        new("Withdrawal_WithAReasonOfDirectionMarksOnly_IsRefused", "POST", "/api/applications/{S}/withdraw", J, "{\"reason\":\"\\u202e\\u202d\\u200f\"}", "A", 422, Code: "text.no-visible-character"),
        new("Ban_WithACauseOfAByteOrderMarkOnly_IsRefused", "POST", "/api/register/holders/91350100M000100Y43/bans", J, Ban.Replace("falseMaterials", "fraud", StringComparison.Ordinal).Replace("\"cause\":\"c\"", "\"cause\":\"\\ufeff\"", StringComparison.Ordinal), "office", 422, Code: "text.no-visible-character"),
        new("FormName_OfAZeroWidthSpaceOnly_IsRefused", "PUT", "/api/applications/{D}/form", J, FormJson(name: "\u200b\u2060"), "A", 422, Code: "application.form-invalid"),
        new("AnotherCitysDistrictOfTheSameId_RecommendingMyApplication_IsRefused", "POST", "/api/applications/{S}/recommend", J, "{\"opinion\":\"同意推荐\"}", "recommender-benxi", 404),
        new("ARecommenderTokenNamingNoCity_ReadingMyApplication_IsNotFound", "GET", "/api/applications/{S}", null, null, "recommender-no-city", 404),

        // Tokens that must not sign anyone in, told nothing about why; queries that must not 500 (issue 17).
        new("Token_WithAnUnknownCritHeader_IsUnauthorized", "GET", "/api/applications/{S}", null, null, "token:crit", 401),
        new("Token_WithAnEmptySubject_IsUnauthorized_NotOneSharedApplicant", "POST", "/api/cycles/{C}/applications", J, "{\"category\":\"organisation\"}", "token:empty-subject", 401),
        new("Token_WithoutASubject_IsUnauthorized_NotA500", "POST", "/api/cycles/{C}/applications", J, "{\"category\":\"organisation\"}", "token:no-subject", 401),
        new("Token_Expired_IsUnauthorized_WithoutSayingWhy", "GET", "/api/applications/{S}", null, null, "token:expired", 401),
        new("Token_SignedWithAnotherKey_IsUnauthorized_WithoutSayingWhy", "GET", "/api/applications/{S}", null, null, "token:other-key", 401),
        new("ReviewerAssignments_WithoutACycle_IsRefused", "GET", "/api/reviewer/assignments", null, null, "reviewer", 400, Code: "cycleId.missing"),
        new("ReviewerAssignments_WithAnEmptyCycle_IsRefused", "GET", "/api/reviewer/assignments?cycleId=", null, null, "reviewer", 400, Code: "cycleId.missing"),
    ];

    private static string ActivePdf(string object3) =>
        "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n3 0 obj\n" + object3 + "\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

    /// <summary>A PDF 1.5 whose object 3 sits in a compressed object stream, where a raw byte scan would not see it.</summary>
    private static byte[] PdfWithObjectStream(string object3)
    {
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(Encoding.ASCII.GetBytes("3 0 " + object3));
        }

        var data = compressed.ToArray();
        return
        [
            .. Encoding.ASCII.GetBytes($"%PDF-1.5\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n4 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length {data.Length} >>\nstream\n"),
            .. data,
            .. Encoding.ASCII.GetBytes("\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"),
        ];
    }

    /// <summary>A DOCX (its required parts) with more entries of the given names and sizes (zeros, compressed).</summary>
    private static byte[] OfficeZip(params (string Name, int Size)[] extra)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            foreach (var (name, size) in new[] { ("[Content_Types].xml", 200), ("word/document.xml", 2000), ("xl/workbook.xml", 200) }.Concat(extra))
            {
                using var entry = zip.CreateEntry(name, CompressionLevel.SmallestSize).Open();
                for (var left = size; left > 0; left -= zeros.Length)
                {
                    entry.Write(zeros, 0, Math.Min(left, zeros.Length));
                }
            }
        }

        return stream.ToArray();
    }

    private static byte[] ZipBomb()
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var name in new[] { "[Content_Types].xml", "word/document.xml" })
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(new string('A', 1000));
            }
        }

        var bytes = stream.ToArray();

        // Every entry claims 4 GB uncompressed (central directory and local headers), and the end
        // record claims 65,535 entries in a central directory of 4 GB.
        for (var i = 0; i + 4 < bytes.Length; i++)
        {
            if (bytes[i] == 0x50 && bytes[i + 1] == 0x4B && bytes[i + 2] == 0x01 && bytes[i + 3] == 0x02)
            {
                BitConverter.GetBytes(0xFFFFFFF0u).CopyTo(bytes, i + 24);
            }
            else if (bytes[i] == 0x50 && bytes[i + 1] == 0x4B && bytes[i + 2] == 0x03 && bytes[i + 3] == 0x04)
            {
                BitConverter.GetBytes(0xFFFFFFF0u).CopyTo(bytes, i + 22);
            }
            else if (bytes[i] == 0x50 && bytes[i + 1] == 0x4B && bytes[i + 2] == 0x05 && bytes[i + 3] == 0x06)
            {
                BitConverter.GetBytes((ushort)0xFFFF).CopyTo(bytes, i + 8);
                BitConverter.GetBytes((ushort)0xFFFF).CopyTo(bytes, i + 10);
                BitConverter.GetBytes(0xFFFFFFF0u).CopyTo(bytes, i + 12);
            }
        }

        return bytes;
    }

    [Fact]
    public void Catalogue_HasAtLeastSixtyCases_WithUniqueNames()
    {
        var names = ((IEnumerable<object[]>)Catalogue()).Select(row => ((Case)row[0]).Name).ToList();
        Assert.True(names.Count >= 60, $"{names.Count} cases");
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Catalogue))]
    public async Task HostileInput_Gets4xx_InTheRightFormat_AndChangesNothing(Case row)
    {
        var world = await WorldAsync();
        var path = row.Path.Replace("{C}", Cycle).Replace("{S}", world.Submitted).Replace("{D}", world.Draft).Replace("{doc}", world.DocumentId);
        foreach (var (placeholder, id) in world.BadDrafts)
        {
            path = path.Replace(placeholder, id, StringComparison.Ordinal);
        }

        var before = await StorageSnapshot.TakeAsync(world.App);

        using var request = new HttpRequestMessage(new HttpMethod(row.Method), path);
        if (row.Body is not null)
        {
            var bytes = row.Body is byte[] b ? b : Encoding.UTF8.GetBytes(((string)row.Body).Replace("{S}", world.Submitted));
            request.Content = new ByteArrayContent(bytes);
            if (row.ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", row.ContentType);
            }
        }

        foreach (var (name, value) in row.Headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var client = Caller(world.App, row.Caller, request);
        var response = await client.SendAsync(request);
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        var after = await StorageSnapshot.TakeAsync(world.App);
        if (status == 401)
        {
            // The challenge says a token failed, never why (expired, which key, which claim).
            var challenge = string.Join(", ", response.Headers.WwwAuthenticate.Select(h => h.ToString()));
            Assert.True(challenge is "Bearer" or "Bearer error=\"invalid_token\"", $"{row.Name}: WWW-Authenticate: {challenge}");
        }

        Assert.True(row.Expected == 4 ? status is >= 400 and < 500 : status == row.Expected, $"{row.Name}: expected {row.Expected}, got {status}: {text[..Math.Min(text.Length, 600)]}");
        var type = response.Content.Headers.ContentType?.MediaType;
        if (path.StartsWith("/api/", StringComparison.Ordinal))
        {
            Assert.True(type == "application/problem+json", $"{row.Name}: {status} came as {type}: {text[..Math.Min(text.Length, 300)]}");
        }
        else
        {
            Assert.True(type == "text/html" && text.Contains("lang=\"zh-CN\"", StringComparison.Ordinal), $"{row.Name}: {status} came as {type}: {text[..Math.Min(text.Length, 300)]}");
        }

        if (path.StartsWith("/api/", StringComparison.Ordinal))
        {
            // Markup comes back only inside JSON strings, in a problem+json body a browser does not render.
            var problem = System.Text.Json.JsonDocument.Parse(text).RootElement;
            Assert.Equal(status, problem.GetProperty("status").GetInt32());
            if (row.Code is not null)
            {
                Assert.True(problem.Str("code") == row.Code, $"{row.Name}: expected {row.Code}, got {problem.Str("code")}: {text[..Math.Min(text.Length, 600)]}");
            }
            if (row.Echoes)
            {
                Assert.Contains("<script>alert('qa')", problem.Str("detail"), StringComparison.Ordinal);
            }
        }
        else
        {
            Assert.DoesNotContain("<script>alert", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<svg", text, StringComparison.OrdinalIgnoreCase);
            if (row.Echoes)
            {
                Assert.Contains("&lt;script&gt;alert(", text, StringComparison.Ordinal);
            }
        }

        var difference = after.DifferenceFrom(before);
        Assert.True(difference.Length == 0, $"{row.Name} changed storage:\n{difference}");
    }

    [Fact]
    public async Task Submission_AtMidnightShanghaiAfterTheLastDay_IsRefusedAndChangesNothing_OneSecondBeforeIsAccepted()
    {
        await using var app = await TestApp.StartAsync(azurite);
        await (await app.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" })).ExpectAsync(201);
        var a = app.As(Roles.Applicant, subject: "applicant-a");
        var ids = new List<string>();
        foreach (var name in new[] { "威海第一机械有限公司", "威海第二机械有限公司" })
        {
            var id = (await (await a.PostJsonAsync($"/api/cycles/{Cycle}/applications", new { category = "organisation" })).ExpectAsync(201)).Str("applicationId");
            await (await a.PutJsonAsync($"/api/applications/{id}/form", Forms.WeihaiOrganisation(name))).ExpectAsync(200);
            await Applicants.AttachReportAsync(app, id, "applicant-a");
            ids.Add(id);
        }

        app.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 30, 15, 59, 59, TimeSpan.Zero)); // 23:59:59 in Shanghai, the last day
        await (await a.PostAsync($"/api/applications/{ids[0]}/submit", null)).ExpectAsync(200);

        app.Clock.SetUtcNow(new DateTimeOffset(2026, 4, 30, 16, 0, 0, TimeSpan.Zero)); // 2026-05-01 00:00 in Shanghai
        var before = await StorageSnapshot.TakeAsync(app);
        var response = await a.PostAsync($"/api/applications/{ids[1]}/submit", null);
        var status = (int)response.StatusCode;

        Assert.True(status is >= 400 and < 500, $"Expected a 4xx, got {status}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(Problems.ContentType, response.Content.Headers.ContentType?.MediaType);
        var difference = (await StorageSnapshot.TakeAsync(app)).DifferenceFrom(before);
        Assert.True(difference.Length == 0, difference);
    }

    [Fact]
    public async Task MissingRequiredField_IsNamedInTheProblem()
    {
        var world = await WorldAsync();
        var response = await world.App.As(Roles.Applicant, subject: "applicant-a").PostJsonAsync($"/api/cycles/{Cycle}/applications", new { });
        var problem = await response.ExpectAsync(400);
        Assert.Equal("request.field-missing", problem.Str("code"));
        Assert.Contains("category", problem.Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DuplicateSubmissions_ReplayTheFirstAnswer_AndChangeNothing()
    {
        await using var app = await TestApp.StartAsync(azurite);
        await (await app.As(Roles.Office).PostJsonAsync("/api/cycles", new { policyId = "weihai", year = 2026, submissionOpensOn = "2026-03-02", submissionClosesOn = "2026-04-30" })).ExpectAsync(201);
        var a = app.As(Roles.Applicant, subject: "applicant-a");
        var id = (await (await a.PostJsonAsync($"/api/cycles/{Cycle}/applications", new { category = "organisation" })).ExpectAsync(201)).Str("applicationId");
        await (await a.PutJsonAsync($"/api/applications/{id}/form", Forms.WeihaiOrganisation())).ExpectAsync(200);
        HttpRequestMessage Upload()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/applications/{id}/documents?kind=selfAssessmentReport&tradeSecret=false&name=report.pdf")
            {
                Content = new ByteArrayContent(Encoding.ASCII.GetBytes("%PDF-1.4\n" + new string('m', 4000))),
            };
            request.Headers.Add("Idempotency-Key", "upload-once");
            return request;
        }

        var beforeUpload = await StorageSnapshot.TakeAsync(app);
        var first = await (await a.SendAsync(Upload())).ExpectAsync(201);
        var afterUpload = await StorageSnapshot.TakeAsync(app);
        Assert.Contains("documents", afterUpload.DifferenceFrom(beforeUpload), StringComparison.Ordinal); // the snapshot sees a stored file
        var replay = await (await a.SendAsync(Upload())).ReadAsync();
        Assert.Equal(first.Str("documentId"), replay.Str("documentId"));
        Assert.True((await StorageSnapshot.TakeAsync(app)).DifferenceFrom(afterUpload) is { Length: 0 } uploadDifference, "the replayed upload changed storage");

        await (await a.PostAsync($"/api/applications/{id}/submit", null)).ExpectAsync(200);
        var afterSubmit = await StorageSnapshot.TakeAsync(app);
        await (await a.PostAsync($"/api/applications/{id}/submit", null)).ExpectAsync(200);
        var difference = (await StorageSnapshot.TakeAsync(app)).DifferenceFrom(afterSubmit);
        Assert.True(difference.Length == 0, $"the second submit changed storage:\n{difference}");
    }

    /// <summary>An applicant's token that is wrong in one way: signed with the app's key unless the kind says otherwise.</summary>
    private static string HostileToken(string kind)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["roles"] = Roles.Applicant, ["name"] = "applicant" };
        if (kind != "no-subject")
        {
            claims["sub"] = kind == "empty-subject" ? string.Empty : "applicant-a";
        }

        var key = kind == "other-key" ? "another-signing-key-of-32-bytes-or-more-0123456789" : TestApp.SigningKey;
        return new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
        {
            Issuer = AuthOptions.DevIssuer,
            Audience = AuthOptions.DevAudience,
            Claims = claims,
            NotBefore = kind == "expired" ? now.AddHours(-3) : now.AddMinutes(-1),
            IssuedAt = kind == "expired" ? now.AddHours(-3) : now,
            Expires = kind == "expired" ? now.AddHours(-2) : now.AddHours(1),
            AdditionalHeaderClaims = kind == "crit" ? new Dictionary<string, object> { ["crit"] = new[] { "qa-must-understand" }, ["qa-must-understand"] = true } : null,
            SigningCredentials = new Microsoft.IdentityModel.Tokens.SigningCredentials(DevTokens.Key(key), Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256),
        });
    }

    private static HttpClient Caller(TestApp app, string caller, HttpRequestMessage request)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.Address, Timeout = TimeSpan.FromSeconds(60) };
        if (caller.StartsWith("token:", StringComparison.Ordinal))
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HostileToken(caller["token:".Length..]));
            return client;
        }

        var (role, subject, affiliation, cookie) = caller switch
        {
            "A" => (Roles.Applicant, "applicant-a", (string?)null, false),
            "A-cookie" => (Roles.Applicant, "applicant-a", null, true),
            "B" => (Roles.Applicant, "applicant-b", null, false),
            "B-cookie" => (Roles.Applicant, "applicant-b", null, true),
            "recommender" => (Roles.Recommender, "recommender-huancui", "371000:huancui", false),
            "recommender-other" => (Roles.Recommender, "recommender-wendeng", "371000:wendeng", false),
            "recommender-benxi" => (Roles.Recommender, "recommender-benxi-huancui", "210500:huancui", false),
            "recommender-no-city" => (Roles.Recommender, "recommender-huancui-no-city", "huancui", false),
            "anonymous" => (null, null, null, false),
            _ => (caller, caller, null, false),
        };
        if (role is not null)
        {
            var token = DevTokens.Mint(TestApp.SigningKey, subject!, [role], subject!, affiliation, TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
            if (cookie)
            {
                request.Headers.Add("Cookie", $"{WebSession.Cookie}={token}");
            }
            else
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
        }

        return client;
    }
}
