using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using QualityAward.Domain;
using QualityAward.Domain.Applications;
using QualityAward.Domain.Awards;
using QualityAward.Domain.Cycles;
using QualityAward.Domain.Policies;
using QualityAward.Functions.Cycles;
using QualityAward.Functions.Hosting;
using QualityAward.Functions.Storage;
using QualityAward.Functions.Workflow;

namespace QualityAward.Functions.Applications;

/// <summary>
/// The applicant's zh-CN pages: the application form (申报表) built from the cycle's policy, the
/// files, and submission, with the same commands as the JSON API. They work without JavaScript:
/// plain forms, answered with the page again (errors beside their fields) or a redirect.
/// </summary>
public sealed partial class ApplicationPageFunctions(
    ReadModels readModels,
    Streams streams,
    ApplicationCommands commands,
    StorageClients storage,
    IOptions<DocumentsOptions> documents,
    ILogger<ApplicationPageFunctions> logger)
{
    private const string Tag = "Pages";

    [Function("ShowMyApplications")]
    [ApplicantPage]
    [Api(Tag, "The applicant's page: their applications with their status, and the cycles open for a new one.", Produces = "text/html")]
    public async Task<IResult> ShowMyApplications([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "apply")] HttpRequest req, CancellationToken ct)
    {
        var http = req.HttpContext;
        var mine = await readModels.PartitionAsync(ApplicationIndex.OwnerPartition(Caller.Subject(http.User)!), ct);
        var cycles = await readModels.PartitionAsync(CycleIndex.Partition, ct);
        var body = new StringBuilder("<h1>我的申报</h1>")
            .Append("<p>").Append(Html.E(http.User.FindFirst(Caller.NameClaim)?.Value)).Append(" <form method=\"post\" action=\"/forms/signout\" style=\"display:inline\"><button type=\"submit\">退出</button></form></p>");
        if (mine.Count == 0)
        {
            body.Append("<p class=\"note\">还没有申报。</p>");
        }
        else
        {
            body.Append("<table><thead><tr><th>申报</th><th>评选周期</th><th>状态</th></tr></thead><tbody>");
            foreach (var r in mine.OrderByDescending(r => r.GetDateTimeOffset("CreatedAt")))
            {
                // What each waits for needs its state and its cycle's policy: an applicant has a few applications.
                var app = await streams.LoadAsync(StreamKinds.Application, ApplicationId.Parse(r.RowKey).Value.StreamId, ct);
                var status = app.Exists ? Progress.StatusZh(app, await ApplicationFunctions.PolicyOfAsync(streams, app, ct)) : string.Empty;
                body.Append("<tr><td><a href=\"/apply/").Append(Html.E(r.RowKey)).Append("\">").Append(Html.E(r.GetString("Name") is { Length: > 0 } n ? n : "（未填写名称）"))
                    .Append("</a></td><td>").Append(Html.E(cycles.FirstOrDefault(c => c.RowKey == r.GetString("CycleId"))?.GetString("Title") ?? r.GetString("CycleId"))).Append("</td><td>").Append(Html.E(status)).Append("</td></tr>");
            }

            body.Append("</tbody></table>");
        }

        var open = cycles.Where(c => c.GetBoolean("SubmissionsClosed") != true).ToList();
        body.Append("<h2>开始新的申报</h2>");
        if (open.Count == 0)
        {
            body.Append("<p class=\"note\">目前没有正在受理申报的评选。</p>");
        }

        foreach (var c in open)
        {
            body.Append("<form method=\"post\" action=\"/forms/apply/new\"><input type=\"hidden\" name=\"cycleId\" value=\"").Append(Html.E(c.RowKey)).Append("\">")
                .Append("<p><strong>").Append(Html.E(c.GetString("Title"))).Append("</strong>（申报期：").Append(Html.E(FullDate(c.GetString("OpensOn")))).Append("至").Append(Html.E(FullDate(c.GetString("ClosesOn")))).Append("）</p>")
                .Append(WarningsHtml((c.GetString("Warnings") ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries)))
                .Append("<label for=\"category-").Append(Html.E(c.RowKey)).Append("\">申报主体</label><select id=\"category-").Append(Html.E(c.RowKey)).Append("\" name=\"category\"><option value=\"organisation\">组织</option><option value=\"individual\">个人</option></select>")
                .Append("<p><button type=\"submit\">开始填写申报表</button></p></form>");
        }

        return Html.Page("我的申报", body.ToString(), site: await Html.SiteAsync(readModels, ct));
    }

    [Function("StartDraftFromPage")]
    [ApplicantPage]
    [Api(Tag, "Start a draft application in a cycle from the applicant's page; redirects to its form, or a page saying why not (the status of the refusal).", BodyMediaTypes = ["application/x-www-form-urlencoded"], Status = 303)]
    public async Task<IResult> StartDraftFromPage([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "forms/apply/new")] HttpRequest req, CancellationToken ct)
    {
        var http = req.HttpContext;
        if (NotAForm(req) is { } no)
        {
            return no;
        }

        var form = await req.ReadFormAsync(ct);
        var category = form["category"] == "individual" ? ApplicantCategory.Individual : ApplicantCategory.Organisation;
        var id = ApplicationId.New(Guid.NewGuid()).Value;
        var outcome = await commands.RunAsync(id, form["cycleId"].ToString(), new CreateDraft(id, category), Caller.As(http.User, Roles.Applicant), http.TraceIdentifier, ct);
        return outcome.Refused
            ? Html.Page("不能申报", $"<h1>不能申报</h1><p class=\"error\" role=\"alert\">{Html.E(outcome.Refusal!.Zh)}</p><p><a href=\"/apply\">返回</a></p>", Problems.StatusOf(outcome.Refusal))
            : Html.SeeOther($"/apply/{id}");
    }

    [Function("ShowApplicationForm")]
    [ApplicantPage]
    [Api(Tag, "The application form (申报表) built from the cycle's policy, with the files; editable while a draft. 404 page if it is not the applicant's.", Produces = "text/html", Query = ["done"])]
    public async Task<IResult> ShowApplicationForm([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "apply/{applicationId}")] HttpRequest req, string applicationId, CancellationToken ct)
    {
        var (app, cycle) = await LoadOwnAsync(applicationId, req.HttpContext, ct);
        if (app is null)
        {
            return NotYours();
        }

        var message = req.QueryValue("done") switch
        {
            "saved" => "草稿已保存。",
            "submitted" => "申报已提交。",
            "uploaded" => "文件已上传。",
            _ => null,
        };
        return Html.Page("申报表", FormPage(app, cycle!, app.Form, [], message, null), StatusCodes.Status200OK, cycle!.Policy.AwardName);
    }

    [Function("SaveFormFromPage")]
    [ApplicantPage]
    [Api(Tag, "Save the form as posted; redirects back to it, or answers the form again with the problems beside their fields (422).", BodyMediaTypes = ["application/x-www-form-urlencoded"], Status = 303)]
    public Task<IResult> SaveFormFromPage([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "forms/apply/{applicationId}/save")] HttpRequest req, string applicationId, CancellationToken ct) =>
        SaveAsync(req, applicationId, submit: false, ct);

    [Function("SubmitFromPage")]
    [ApplicantPage]
    [Api(Tag, "Save the form as posted, then submit the application; redirects back to it, or answers the form again with everything still missing beside its field.", BodyMediaTypes = ["application/x-www-form-urlencoded"], Status = 303)]
    public Task<IResult> SubmitFromPage([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "forms/apply/{applicationId}/submit")] HttpRequest req, string applicationId, CancellationToken ct) =>
        SaveAsync(req, applicationId, submit: true, ct);

    /// <summary>
    /// A file from the form page: the multipart body is read section by section, and the file's
    /// section streams straight into the same store the API uses (never buffered whole).
    /// </summary>
    [Function("UploadFromPage")]
    [ApplicantPage]
    [Api(Tag, "Upload a file from the form page (multipart: kind and tradeSecret before the file, which streams to storage); redirects back to the form, or answers it again with the problem.", BodyMediaTypes = ["multipart/form-data"], Status = 303)]
    public async Task<IResult> UploadFromPage([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "forms/apply/{applicationId}/documents")] HttpRequest req, string applicationId, CancellationToken ct)
    {
        var http = req.HttpContext;
        if (NotAForm(req) is { } no)
        {
            return no;
        }

        var (app, cycle) = await LoadOwnAsync(applicationId, http, ct);
        if (app is null)
        {
            return NotYours();
        }

        var limits = documents.Value;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            // Counted by the upload stream, which stops at the configured limit.
            bodyLimit.MaxRequestBodySize = null;
        }

        var boundary = MediaTypeHeaderValue.TryParse(req.ContentType, out var type) ? HeaderUtilities.RemoveQuotes(type.Boundary).Value : null;
        if (string.IsNullOrEmpty(boundary))
        {
            return Html.Page("申报表", FormPage(app, cycle!, app.Form, [], null, "请选择要上传的文件。"), StatusCodes.Status400BadRequest, cycle!.Policy.AwardName);
        }

        var reader = new MultipartReader(boundary, req.Body) { BodyLengthLimit = null };
        string? kind = null;
        var tradeSecret = "false";
        var parts = 0;
        for (var section = await reader.ReadNextSectionAsync(ct); section is not null; section = await reader.ReadNextSectionAsync(ct))
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
            {
                continue;
            }

            if (++parts > 10)
            {
                return Html.Page("申报表", FormPage(app, cycle!, app.Form, [], null, "表单内容过多。"), StatusCodes.Status422UnprocessableEntity, cycle!.Policy.AwardName);
            }

            if (!disposition.IsFileDisposition())
            {
                var value = await FormParts.ReadFieldAsync(section.Body, 64, ct) ?? string.Empty;
                switch (disposition.Name.Value)
                {
                    case "kind":
                        kind = value;
                        break;
                    case "tradeSecret":
                        tradeSecret = value;
                        break;
                }

                continue;
            }

            var name = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
            if (string.IsNullOrEmpty(name))
            {
                return Html.Page("申报表", FormPage(app, cycle!, app.Form, [], null, "请选择要上传的文件。"), StatusCodes.Status422UnprocessableEntity, cycle!.Policy.AwardName);
            }

            var input = DocumentFunctions.ReadInput(kind, tradeSecret, name);
            if (!input.IsOk)
            {
                return Html.Page("申报表", FormPage(app, cycle!, app.Form, [], null, input.Refusal!.Zh), StatusCodes.Status422UnprocessableEntity, cycle!.Policy.AwardName);
            }

            var documentId = $"doc-{Guid.NewGuid():N}";
            var blob = storage.Container(StorageClients.DocumentsContainer).GetBlobClient(DocumentFunctions.BlobName(applicationId, documentId));
            var stored = await DocumentFunctions.StoreAsync(applicationId, input.Value, section.Body, null, Caller.As(http.User, Roles.Applicant), documentId, blob, http.TraceIdentifier, commands, limits, logger, ct);
            return stored.Document is not null
                ? Html.SeeOther($"/apply/{applicationId}?done=uploaded")
                : Html.Page("申报表", FormPage(app, cycle!, app.Form, [], null, stored.Refusal!.Zh), stored.Status, cycle!.Policy.AwardName);
        }

        return Html.Page("申报表", FormPage(app, cycle!, app.Form, [], null, "请选择要上传的文件。"), StatusCodes.Status422UnprocessableEntity, cycle!.Policy.AwardName);
    }

    /// <summary>Save what the form holds; on submit, then submit. Problems come back beside their fields.</summary>
    private async Task<IResult> SaveAsync(HttpRequest req, string applicationId, bool submit, CancellationToken ct)
    {
        var http = req.HttpContext;
        if (NotAForm(req) is { } no)
        {
            return no;
        }

        var (app, cycle) = await LoadOwnAsync(applicationId, http, ct);
        if (app is null)
        {
            return NotYours();
        }

        var posted = await req.ReadFormAsync(ct);
        var (form, parseProblems) = Read(posted, app.Category);
        if (parseProblems.Count > 0)
        {
            return Html.Page("申报表", FormPage(app, cycle!, form, parseProblems, null, "填写的内容有误，请按提示修改。"), StatusCodes.Status422UnprocessableEntity, cycle!.Policy.AwardName);
        }

        var actor = Caller.As(http.User, Roles.Applicant);
        if (app.Status == ApplicationStatus.Draft)
        {
            var saved = await commands.RunAsync(applicationId, new SaveDraft(form), actor, http.TraceIdentifier, ct);
            if (saved.Refused)
            {
                return Html.Page("申报表", FormPage(app, cycle!, form, saved.Refusal!.Problems, null, saved.Refusal.Zh), Problems.StatusOf(saved.Refusal), cycle!.Policy.AwardName);
            }

            app = saved.State;
        }

        if (!submit)
        {
            return Html.SeeOther($"/apply/{applicationId}?done=saved");
        }

        var submitted = await commands.RunAsync(applicationId, new Submit(), actor, http.TraceIdentifier + "-submit", ct);
        if (submitted.Refused)
        {
            var refusal = submitted.Refusal!;
            var summary = refusal.Problems.Count > 0 ? $"申报材料还不完整，共{refusal.Problems.Count}处需要处理。" : refusal.Zh;
            return Html.Page("申报表", FormPage(app, cycle!, form, refusal.Problems, null, summary), Problems.StatusOf(refusal), cycle!.Policy.AwardName);
        }

        return Html.SeeOther($"/apply/{applicationId}?done=submitted");
    }

    private static (ApplicationForm Form, IReadOnlyList<FieldProblem> Problems) Read(IFormCollection f, ApplicantCategory category)
    {
        var problems = new List<FieldProblem>();
        string? Text(string name) => f[name].ToString() is { Length: > 0 } v ? v.Trim() : null;
        bool Check(string name) => f[name].Any(v => v == "true");
        DateOnly? Date(string name, string zh)
        {
            var text = Text(name);
            if (text is null)
            {
                return null;
            }

            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return date;
            }

            problems.Add(new FieldProblem(name, "form.date-invalid", $"{zh}应为“年-月-日”格式，如2010-05-01。", $"{name} must be yyyy-MM-dd."));
            return null;
        }

        int? Number(string name, string zh)
        {
            var text = Text(name);
            if (text is null)
            {
                return null;
            }

            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }

            problems.Add(new FieldProblem(name, "form.number-invalid", $"{zh}应为整数。", $"{name} must be a whole number."));
            return null;
        }

        T? Choice<T>(string name)
            where T : struct, Enum => Enum.TryParse<T>(Text(name), ignoreCase: true, out var v) && Enum.IsDefined(v) ? v : null;

        var form = new ApplicationForm
        {
            Name = Text("name"),
            DistrictId = Text("districtId"),
            Contact = new ContactPerson { Name = Text("contact.name"), Phone = Text("contact.phone"), Email = Text("contact.email") },
            Declarations = f["declarations"].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).Distinct().ToList(),
            Preferences = f["preferences"].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).Distinct().ToList(),
            AuthenticityDeclared = Check("authenticityDeclared"),
            NoStateSecretsDeclared = Check("noStateSecretsDeclared"),
            RecommenderId = Text("recommenderId"),
            RecommenderKind = Choice<RecommenderKind>("recommenderKind"),
            InternalPublicityFrom = Date("internalPublicityFrom", "内部公示开始日期"),
            InternalPublicityTo = Date("internalPublicityTo", "内部公示结束日期"),
            QualityModel = Text("qualityModel"),
        };
        form = category == ApplicantCategory.Organisation
            ? form with
            {
                CreditCode = Text("creditCode"),
                RegisteredAddress = Text("registeredAddress"),
                FoundedOn = Date("foundedOn", "成立日期"),
                IndustrySector = Choice<IndustrySector>("industrySector"),
                IndustryCode = Text("industryCode"),
                Size = Choice<OrganisationSize>("size"),
                Sector = Choice<Sector>("sector"),
                FourNewField = Check("fourNewField"),
                YearsWaiverReference = Text("yearsWaiverReference"),
            }
            : form with
            {
                IdNumber = Text("idNumber"),
                Employer = Text("employer"),
                EmployerCreditCode = Text("employerCreditCode"),
                EmployerSector = Choice<Sector>("employerSector"),
                YearsInQualityWork = Number("yearsInQualityWork", "从事质量工作年限"),
                YearsInQualityWorkInCity = Number("yearsInQualityWorkInCity", "在本市从事质量工作年限"),
                SkillsPrize = Text("skillsPrize"),
                Achievements = Text("achievements"),
            };
        return (form, problems);
    }

    /// <summary>The regulation's standing (draft for comment, expired, not yet in force), as the office acknowledged it when opening the cycle.</summary>
    private static string WarningsHtml(IEnumerable<string> warnings)
    {
        var list = warnings.ToList();
        return list.Count == 0 ? string.Empty
            : "<div class=\"warning\" role=\"note\"><strong>请注意：</strong>" + Html.E(ZhText.JoinSentences(list)) + "申报依据以正式施行的文件为准。</div>";
    }

    private static string FullDate(string? isoDate) =>
        DateOnly.TryParseExact(isoDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? Html.Date(d) : isoDate ?? string.Empty;

    private static string FormPage(ApplicationState app, CycleState cycle, ApplicationForm form, IReadOnlyList<FieldProblem> problems, string? message, string? error)
    {
        var policy = cycle.Policy;
        var errors = problems.GroupBy(p => p.Field).ToDictionary(g => g.Key, g => string.Join(" ", g.Select(p => p.Zh)), StringComparer.Ordinal);
        var editable = app.Status == ApplicationStatus.Draft;
        var org = app.Category == ApplicantCategory.Organisation;
        var b = new StringBuilder()
            .Append("<p><a href=\"/apply\">← 我的申报</a></p>")
            .Append("<h1>").Append(Html.E(cycle.Title)).Append(" · ").Append(org ? "组织申报表" : "个人申报表").Append("</h1>")
            .Append("<p>状态：<strong id=\"status\">").Append(Html.E(Progress.StatusZh(app, policy))).Append("</strong>");
        if (app.Stage is { } stage)
        {
            b.Append("　当前环节：<span id=\"stage\">").Append(Html.E(policy.TitleAt(app.StageIndex, stage))).Append("</span>");
        }

        b.Append("</p>");
        b.Append(WarningsHtml(cycle.Warnings));
        if (app.EndReason is { } reason)
        {
            b.Append("<p>说明：<span id=\"end-reason\">").Append(Html.E(reason)).Append("</span></p>");
        }

        if (message is not null)
        {
            b.Append("<p class=\"note\" id=\"message\" role=\"status\">").Append(Html.E(message)).Append("</p>");
        }

        if (error is not null || problems.Count > 0)
        {
            b.Append("<div class=\"error\" id=\"errors\" role=\"alert\"><p>").Append(Html.E(error)).Append("</p><ul>");
            foreach (var p in problems)
            {
                b.Append("<li>").Append(Html.E(p.Zh)).Append("</li>");
            }

            b.Append("</ul></div>");
        }

        var disabled = editable ? string.Empty : " disabled";
        b.Append("<form method=\"post\" action=\"/forms/apply/").Append(Html.E(app.ApplicationId)).Append("/save\" id=\"application-form\"><fieldset").Append(disabled).Append('>');

        void Error(string field)
        {
            if (errors.TryGetValue(field, out var text))
            {
                b.Append("<span class=\"error\" id=\"error-").Append(Html.E(field)).Append("\">").Append(Html.E(text)).Append("</span>");
            }
        }

        void Input(string field, string label, string? value, string type = "text", int max = 200)
        {
            b.Append("<label for=\"").Append(Html.E(field)).Append("\">").Append(Html.E(label)).Append("</label><input type=\"").Append(type).Append("\" id=\"").Append(Html.E(field))
                .Append("\" name=\"").Append(Html.E(field)).Append("\" maxlength=\"").Append(max).Append("\" value=\"").Append(Html.E(value)).Append("\">");
            Error(field);
        }

        void Select(string field, string label, IEnumerable<(string Value, string Text)> options, string? value)
        {
            b.Append("<label for=\"").Append(Html.E(field)).Append("\">").Append(Html.E(label)).Append("</label><select id=\"").Append(Html.E(field)).Append("\" name=\"").Append(Html.E(field)).Append("\"><option value=\"\">请选择</option>");
            foreach (var (v, t) in options)
            {
                b.Append("<option value=\"").Append(Html.E(v)).Append('"').Append(string.Equals(v, value, StringComparison.OrdinalIgnoreCase) ? " selected" : string.Empty).Append('>').Append(Html.E(t)).Append("</option>");
            }

            b.Append("</select>");
            Error(field);
        }

        void Check(string field, string value, string label, bool isChecked, string? errorField = null)
        {
            b.Append("<label><input type=\"checkbox\" name=\"").Append(Html.E(field)).Append("\" value=\"").Append(Html.E(value)).Append('"').Append(isChecked ? " checked" : string.Empty).Append("> ").Append(Html.E(label)).Append("</label>");
            Error(errorField ?? field);
        }

        var districts = policy.City.Districts.Select(d => (d.Id, d.Name)).ToList();
        b.Append("<h2>基本信息</h2>");
        Input("name", org ? "申报单位名称" : "申报人姓名", form.Name);
        Select("districtId", "所在区县（市）", districts, form.DistrictId);
        if (org)
        {
            Input("creditCode", "统一社会信用代码", form.CreditCode, max: 18);
            Input("registeredAddress", "注册地址", form.RegisteredAddress);
            Input("foundedOn", "成立日期", form.FoundedOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "date", 10);
            Select("industrySector", "所属产业", [("primary", "第一产业"), ("secondary", "第二产业"), ("tertiary", "第三产业")], form.IndustrySector?.ToString());
            Input("industryCode", "国民经济行业代码（GB/T 4754，如C3670）", form.IndustryCode, max: 5);
            Select("size", "企业规模", [("large", "大型"), ("medium", "中型"), ("small", "小型"), ("micro", "微型"), ("notApplicable", "不适用（机关事业单位等）")], form.Size?.ToString());
            Select("sector", "单位性质", [("enterprise", "企业"), ("publicBody", "机关事业单位"), ("other", "社会组织及其他")], form.Sector?.ToString());
            if (policy.Eligibility.Organisation?.FourNewMinYearsOperating is { } fourNew)
            {
                Check("fourNewField", "true", $"属于新技术、新产业、新业态、新模式（“四新”）领域（运营满{fourNew}年即可申报）", form.FourNewField);
            }

            if (policy.Eligibility.Organisation?.GovernmentMayWaiveYears == true)
            {
                Input("yearsWaiverReference", "市政府同意放宽运营年限的文号（如有）", form.YearsWaiverReference);
            }
        }
        else
        {
            Input("idNumber", "居民身份证号码", form.IdNumber, max: 18);
            Input("employer", "工作单位", form.Employer);
            Input("employerCreditCode", "工作单位统一社会信用代码", form.EmployerCreditCode, max: 18);
            Select("employerSector", "工作单位性质", [("enterprise", "企业"), ("publicBody", "机关事业单位"), ("other", "社会组织及其他")], form.EmployerSector?.ToString());
            Input("yearsInQualityWork", "从事质量工作年限", form.YearsInQualityWork?.ToString(CultureInfo.InvariantCulture), "number", 2);
            Input("yearsInQualityWorkInCity", "在本市从事质量工作年限", form.YearsInQualityWorkInCity?.ToString(CultureInfo.InvariantCulture), "number", 2);
            Input("skillsPrize", "质量技能竞赛获奖情况（如有）", form.SkillsPrize);
            b.Append("<label for=\"achievements\">主要质量工作业绩</label><textarea id=\"achievements\" name=\"achievements\" rows=\"5\" maxlength=\"5000\">").Append(Html.E(form.Achievements)).Append("</textarea>");
            Error("achievements");
        }

        Input("qualityModel", "质量管理模式名称", form.QualityModel);
        b.Append("<h2>联系人</h2>");
        Input("contact.name", "联系人", form.Contact?.Name, max: 50);
        Input("contact.phone", "联系电话", form.Contact?.Phone, "tel", 20);
        Input("contact.email", "电子邮箱", form.Contact?.Email, "email", 100);

        if (policy.Stage(StageKind.Recommendation) is { } recommendation)
        {
            b.Append("<h2>推荐单位</h2>");
            Select("recommenderKind", "推荐单位类别", (recommendation.Recommenders ?? []).Select(k => (k.ToString(), RecommenderZh(k))), form.RecommenderKind?.ToString());
            Select("recommenderId", "推荐单位（所在区县）", districts, form.RecommenderId);
        }

        if (policy.Stage(StageKind.InternalPublicity) is { } publicity)
        {
            b.Append("<h2>单位内部公示（").Append(Html.E(publicity.Article)).Append("，不少于").Append(publicity.MinWorkingDays).Append("个工作日）</h2>");
            Input("internalPublicityFrom", "公示开始日期", form.InternalPublicityFrom?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "date", 10);
            Input("internalPublicityTo", "公示结束日期", form.InternalPublicityTo?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "date", 10);
            Error("internalPublicity");
        }

        var declarations = org ? policy.Eligibility.Organisation?.Declarations ?? [] : policy.Eligibility.Individual?.Declarations ?? [];
        b.Append("<h2>声明</h2>");
        foreach (var d in declarations)
        {
            Check("declarations", d.Code, $"{d.Text}（{d.Article}）", form.Declarations.Contains(d.Code), $"declarations.{d.Code}");
        }

        Check("authenticityDeclared", "true", "本单位（本人）承诺申报材料真实、准确、完整，并对其真实性负责。", form.AuthenticityDeclared);
        Check("noStateSecretsDeclared", "true", "申报材料不涉及国家安全和国家秘密。", form.NoStateSecretsDeclared);
        if (policy.Scoring.Preferences.Count > 0)
        {
            // §11-style preferences are not declarations: nothing to confirm, tick only what applies.
            var articles = string.Join("、", policy.Scoring.Preferences.Select(p => p.Article).Distinct(StringComparer.Ordinal));
            b.Append("<h2 id=\"preferences\">优先条件（可选）</h2><p class=\"note\" id=\"preferences-note\">").Append(Html.E(Regulation.Cite(policy.Document, articles)))
                .Append("鼓励下列单位申报。符合的请勾选，供评审参考；不符合的不必勾选，不影响申报。这些不是需要确认的声明。</p>");
            foreach (var p in policy.Scoring.Preferences)
            {
                Check("preferences", p.Code, p.Text, form.Preferences.Contains(p.Code), $"preferences.{p.Code}");
            }
        }

        b.Append("</fieldset>");
        if (editable)
        {
            b.Append("<p><button type=\"submit\" id=\"save\">保存草稿</button> <button type=\"submit\" id=\"submit\" formaction=\"/forms/apply/").Append(Html.E(app.ApplicationId)).Append("/submit\">提交申报</button></p>");
        }

        b.Append("</form>");
        DocumentsSection(b, app, errors);
        return b.ToString();
    }

    private static string RecommenderZh(RecommenderKind kind) => kind switch
    {
        RecommenderKind.DistrictRegulator => "区县（市）市场监管部门",
        RecommenderKind.DistrictQualityBody => "区县（市）质量工作议事协调机构",
        RecommenderKind.CityDepartment => "市级行业主管部门",
        RecommenderKind.Association => "市级行业协会",
        _ => kind.ToString(),
    };

    /// <summary>
    /// A form post must be a form. The gate has already refused one without an applicant's
    /// session or from another site ([ApplicantPage]); JSON or anything else sent here is refused too.
    /// </summary>
    private static IResult? NotAForm(HttpRequest req) => req.HasFormContentType
        ? null
        : Html.Page("请求无效", "<h1>请求无效</h1><p>请从本网站的页面提交表单。</p>", StatusCodes.Status403Forbidden);

    private async Task<(ApplicationState? App, CycleState? Cycle)> LoadOwnAsync(string applicationId, HttpContext http, CancellationToken ct)
    {
        var app = await ApplicationFunctions.LoadVisibleAsync(applicationId, http.User, streams, ct);
        if (app is null || !ApplicationFunctions.IsOwner(http.User, app))
        {
            return (null, null);
        }

        var cycle = await streams.LoadAsync(StreamKinds.Cycle, CycleId.Parse(app.CycleId).Value.StreamId, ct);
        return (app, cycle);
    }

    private static IResult NotYours() =>
        Html.Page("申报不存在", "<h1>申报不存在</h1><p><a href=\"/apply\">返回我的申报</a></p>", StatusCodes.Status404NotFound);
}

/// <summary>The files part of the form page.</summary>
public sealed partial class ApplicationPageFunctions
{
    private static void DocumentsSection(StringBuilder b, ApplicationState app, IReadOnlyDictionary<string, string> errors)
    {
        b.Append("<h2>申报材料</h2>");
        if (errors.TryGetValue("documents.selfAssessmentReport", out var missing))
        {
            b.Append("<p class=\"error\" id=\"error-documents.selfAssessmentReport\">").Append(Html.E(missing)).Append("</p>");
        }

        if (app.Documents.Count == 0)
        {
            b.Append("<p class=\"note\">尚未上传文件。</p>");
        }
        else
        {
            b.Append("<table id=\"documents\"><thead><tr><th>类别</th><th>文件</th><th>大小</th><th>商业秘密</th></tr></thead><tbody>");
            foreach (var d in app.Documents)
            {
                b.Append("<tr><td>").Append(Html.E(DocumentKindZh(d.Kind))).Append("</td><td>").Append(Html.E(d.SafeName)).Append("</td><td>")
                    .Append(Html.E(FormatSize(d.Size))).Append("</td><td>").Append(d.TradeSecret ? "是" : "否").Append("</td></tr>");
            }

            b.Append("</tbody></table>");
        }

        if (app.Status != ApplicationStatus.Draft)
        {
            return;
        }

        // The file comes last: the page's handler reads the fields before the file streams in.
        b.Append("<form method=\"post\" enctype=\"multipart/form-data\" action=\"/forms/apply/").Append(Html.E(app.ApplicationId)).Append("/documents\" id=\"upload-form\">")
            .Append("<label for=\"kind\">材料类别</label><select id=\"kind\" name=\"kind\">")
            .Append("<option value=\"selfAssessmentReport\">自我评价报告</option><option value=\"evidence\">证明材料</option><option value=\"recommendationLetter\">推荐意见</option><option value=\"internalPublicityProof\">内部公示证明</option></select>")
            .Append("<label><input type=\"checkbox\" id=\"tradeSecret\" name=\"tradeSecret\" value=\"true\"> 含有商业秘密（仅评审办公室、监督组和受指派的评审专家可以查阅）</label>")
            .Append("<label for=\"file\">文件（PDF、Word、Excel、JPEG、PNG）</label><input type=\"file\" id=\"file\" name=\"file\" required>")
            .Append("<p><button type=\"submit\" id=\"upload\">上传</button></p></form>");
    }

    public static string DocumentKindZh(DocumentKind kind) => kind switch
    {
        DocumentKind.SelfAssessmentReport => "自我评价报告",
        DocumentKind.Evidence => "证明材料",
        DocumentKind.RecommendationLetter => "推荐意见",
        DocumentKind.InternalPublicityProof => "内部公示证明",
        _ => kind.ToString(),
    };

    private static string FormatSize(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0:0.#} MB"),
    };
}
