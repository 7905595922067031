using System.Text.RegularExpressions;
using QualityAward.Domain.Calendar;
using QualityAward.Domain.Identity;
using QualityAward.Domain.Policies;

namespace QualityAward.Domain.Applications;

/// <summary>
/// What a form needs before it can be submitted, decided against the policy. Each problem names
/// the field and says, in Chinese and English, what is missing or wrong.
/// </summary>
public static partial class ApplicationFormRules
{
    public const int MaxNameLength = 200;
    public const int MaxAddressLength = 500;
    public const int MaxTextLength = 20_000;
    public const int MaxShortTextLength = 2_000;

    [GeneratedRegex(@"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?)$", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^[^@\s<>""']{1,64}@[A-Za-z0-9.-]{1,200}\.[A-Za-z]{2,24}$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^[A-T](?:\d{2}|\d{3}|\d{4})?$", RegexOptions.CultureInvariant)]
    private static partial Regex IndustryCodePattern();

    /// <summary>
    /// Checks that hold for every save, draft or not: lengths, control characters, malformed values.
    /// A draft may be incomplete but never malformed.
    /// </summary>
    public static IReadOnlyList<FieldProblem> CheckShape(ApplicationForm form)
    {
        var problems = new List<FieldProblem>();
        void Text(string field, string zhName, string? value, int max)
        {
            if (value is null)
            {
                return;
            }

            if (value.Length > max)
            {
                problems.Add(new(field, "form.too-long", $"{zhName}不能超过{max}个字符（现有{value.Length}个）。", $"{field} is limited to {max} characters (it has {value.Length})."));
            }

            if (value.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')) || value.Any(IsBidiControl))
            {
                problems.Add(new(field, "form.control-characters", $"{zhName}含有不可见的控制字符，请删除后重新填写。", $"{field} contains invisible control characters."));
            }
            else if (FreeText.Visible(value, field) is not null)
            {
                problems.Add(FreeText.Problem(field));
            }
        }

        Text("name", "名称", form.Name, MaxNameLength);
        Text("districtId", "所在区县", form.DistrictId, 64);
        Text("contact.name", "联系人", form.Contact?.Name, 100);
        Text("contact.phone", "联系电话", form.Contact?.Phone, 40);
        Text("contact.email", "电子邮箱", form.Contact?.Email, 254);
        Text("recommenderId", "推荐单位", form.RecommenderId, 64);
        Text("qualityModel", "质量管理模式", form.QualityModel, MaxShortTextLength);
        Text("creditCode", "统一社会信用代码", form.CreditCode, 40);
        Text("registeredAddress", "注册地址", form.RegisteredAddress, MaxAddressLength);
        Text("industryCode", "行业代码", form.IndustryCode, 10);
        Text("yearsWaiverReference", "放宽年限批准文号", form.YearsWaiverReference, 200);
        Text("idNumber", "身份证号码", form.IdNumber, 40);
        Text("employer", "工作单位", form.Employer, MaxNameLength);
        Text("employerCreditCode", "工作单位统一社会信用代码", form.EmployerCreditCode, 40);
        Text("skillsPrize", "质量技能大赛获奖情况", form.SkillsPrize, MaxShortTextLength);
        Text("achievements", "主要业绩", form.Achievements, MaxTextLength);

        if (form.Declarations.Count > 100 || form.Preferences.Count > 100)
        {
            problems.Add(new("declarations", "form.too-many", "声明或倾斜事项过多。", "Too many declarations or preferences."));
        }

        // Codes are short identifiers from the policy; anything longer is not one (and would bloat the stored event).
        if (form.Declarations.Concat(form.Preferences).Any(code => code is null || code.Length > 64))
        {
            problems.Add(new("declarations", "form.code-invalid", "声明或倾斜事项的代码无效。", "A declaration or preference code is not valid."));
        }

        if (form.YearsInQualityWork is < 0 or > 80)
        {
            problems.Add(new("yearsInQualityWork", "form.out-of-range", "从事质量工作年限应在0至80年之间。", "Years in quality work must be 0 to 80."));
        }

        if (form.YearsInQualityWorkInCity is < 0 or > 80 || (form.YearsInQualityWorkInCity > form.YearsInQualityWork))
        {
            problems.Add(new("yearsInQualityWorkInCity", "form.out-of-range", "在本市从事质量工作年限应在0至80年之间，且不超过总年限。", "Years in the city must be 0 to 80 and not exceed the total."));
        }

        return problems;
    }

    /// <summary>Everything submission needs, for this policy and category, on a given Shanghai date.</summary>
    public static IReadOnlyList<FieldProblem> CheckForSubmission(
        AwardPolicy policy,
        ApplicantCategory category,
        ApplicationForm form,
        IReadOnlyCollection<DocumentRef> documents,
        WorkingDayCalendar calendar,
        DateOnly today)
    {
        var problems = new List<FieldProblem>(CheckShape(form));
        void Missing(string field, string zhName) =>
            problems.Add(new(field, "form.missing", $"请填写{zhName}。", $"{field} is required."));

        if (string.IsNullOrWhiteSpace(form.Name))
        {
            Missing("name", category == ApplicantCategory.Organisation ? "申报单位名称" : "申报人姓名");
        }

        if (string.IsNullOrWhiteSpace(form.DistrictId))
        {
            Missing("districtId", "所在区县");
        }
        else if (policy.City.Districts.All(d => d.Id != form.DistrictId))
        {
            problems.Add(new("districtId", "form.district-unknown", $"“{form.DistrictId}”不是{policy.City.Name}的区县。", $"'{form.DistrictId}' is not a district of {policy.City.NameEn}."));
        }

        CheckContact(form.Contact, problems);
        CheckRecommender(policy, form, problems);

        if (category == ApplicantCategory.Organisation)
        {
            CheckOrganisation(policy, form, today, problems, Missing);
        }
        else
        {
            CheckIndividual(form, today, problems, Missing);
        }

        var declarations = category == ApplicantCategory.Organisation
            ? policy.Eligibility.Organisation?.Declarations ?? []
            : policy.Eligibility.Individual?.Declarations ?? [];
        foreach (var declaration in declarations.Where(d => !form.Declarations.Contains(d.Code)))
        {
            problems.Add(new($"declarations.{declaration.Code}", "form.declaration-missing", $"请确认声明：“{declaration.Text}”（{declaration.Article}）。", $"Confirm the declaration '{declaration.Code}' ({declaration.Article})."));
        }

        foreach (var unknown in form.Declarations.Where(code => declarations.All(d => d.Code != code)))
        {
            problems.Add(new("declarations", "form.declaration-unknown", $"“{unknown}”不是本政策的声明事项。", $"'{unknown}' is not a declaration of this policy."));
        }

        foreach (var unknown in form.Preferences.Where(code => policy.Scoring.Preferences.All(p => p.Code != code)))
        {
            problems.Add(new("preferences", "form.preference-unknown", $"“{unknown}”不是本政策的倾斜事项。", $"'{unknown}' is not a preference of this policy."));
        }

        if (!form.AuthenticityDeclared)
        {
            problems.Add(new("authenticityDeclared", "form.declaration-missing", "请确认申报材料真实、准确、完整，并对其真实性负责。", "Confirm that the materials are true, accurate and complete."));
        }

        if (!form.NoStateSecretsDeclared)
        {
            problems.Add(new("noStateSecretsDeclared", "form.declaration-missing", "请确认申报材料不涉及国家安全、国家秘密。", "Confirm that the materials contain no state secrets."));
        }

        if (policy.Stage(StageKind.InternalPublicity) is { } publicity)
        {
            CheckInternalPublicity(publicity, form, calendar, today, problems);
        }

        if (!documents.Any(d => d.Kind == DocumentKind.SelfAssessmentReport))
        {
            problems.Add(new("documents.selfAssessmentReport", "form.document-missing", "请上传自我评价报告。", "Upload the self-assessment report."));
        }

        return problems;
    }

    private static void CheckContact(ContactPerson? contact, List<FieldProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(contact?.Name))
        {
            problems.Add(new("contact.name", "form.missing", "请填写联系人。", "contact.name is required."));
        }

        if (string.IsNullOrWhiteSpace(contact?.Phone))
        {
            problems.Add(new("contact.phone", "form.missing", "请填写联系电话。", "contact.phone is required."));
        }
        else if (!PhonePattern().IsMatch(contact.Phone.Trim()))
        {
            problems.Add(new("contact.phone", "form.phone-invalid", "联系电话格式不正确：请填写11位手机号或带区号的固定电话（如0631-5200000）。", "The phone number is not a mobile or landline number."));
        }

        if (!string.IsNullOrWhiteSpace(contact?.Email) && !EmailPattern().IsMatch(contact.Email.Trim()))
        {
            problems.Add(new("contact.email", "form.email-invalid", "电子邮箱格式不正确。", "The e-mail address is malformed."));
        }
    }

    private static void CheckRecommender(AwardPolicy policy, ApplicationForm form, List<FieldProblem> problems)
    {
        if (policy.Stage(StageKind.Recommendation) is not { } stage)
        {
            return;
        }

        if (form.RecommenderKind is not { } kind || string.IsNullOrWhiteSpace(form.RecommenderId))
        {
            problems.Add(new("recommenderId", "form.missing", "请选择推荐单位。", "Choose the recommending body."));
            return;
        }

        if (stage.Recommenders is { } allowed && !allowed.Contains(kind))
        {
            problems.Add(new("recommenderKind", "form.recommender-not-allowed", $"本政策（{stage.Article}）不接受此类推荐单位。", $"This policy ({stage.Article}) does not take recommendations from a {kind}."));
        }

        if (kind is Policies.RecommenderKind.DistrictRegulator or Policies.RecommenderKind.DistrictQualityBody
            && policy.City.Districts.All(d => d.Id != form.RecommenderId))
        {
            problems.Add(new("recommenderId", "form.district-unknown", $"“{form.RecommenderId}”不是{policy.City.Name}的区县。", $"'{form.RecommenderId}' is not a district of {policy.City.NameEn}."));
        }
    }

    private static void CheckOrganisation(AwardPolicy policy, ApplicationForm form, DateOnly today, List<FieldProblem> problems, Action<string, string> missing)
    {
        if (string.IsNullOrWhiteSpace(form.CreditCode))
        {
            missing("creditCode", "统一社会信用代码");
        }
        else if (CreditCode.Parse(form.CreditCode) is { IsOk: false } bad)
        {
            problems.Add(new("creditCode", bad.Refusal!.Code, bad.Refusal.Zh, bad.Refusal.En));
        }

        if (string.IsNullOrWhiteSpace(form.RegisteredAddress))
        {
            missing("registeredAddress", "注册地址");
        }

        if (form.FoundedOn is not { } founded)
        {
            missing("foundedOn", "成立日期");
        }
        else if (founded > today || founded.Year < 1800)
        {
            problems.Add(new("foundedOn", "form.date-invalid", "成立日期不能晚于今天。", "The founding date cannot be in the future."));
        }

        if (form.IndustrySector is null)
        {
            missing("industrySector", "所属产业（一、二、三产业）");
        }

        if (string.IsNullOrWhiteSpace(form.IndustryCode))
        {
            missing("industryCode", "国民经济行业分类代码");
        }
        else if (!IndustryCodePattern().IsMatch(form.IndustryCode.Trim()))
        {
            problems.Add(new("industryCode", "form.industry-code-invalid", "行业代码应为GB/T 4754门类字母加2至4位数字，如C3670。", "The industry code is a GB/T 4754 letter and 2 to 4 digits, e.g. C3670."));
        }

        if (form.Size is null)
        {
            missing("size", "单位规模");
        }

        if (form.Sector is null)
        {
            missing("sector", "单位性质（企业、机关事业单位或其他组织）");
        }

        if (form.FourNewField && policy.Eligibility.Organisation?.FourNewMinYearsOperating is null)
        {
            problems.Add(new("fourNewField", "form.not-applicable", "本政策没有“四新”领域的年限规定。", "This policy has no 'four new' rule."));
        }

        if (!string.IsNullOrWhiteSpace(form.YearsWaiverReference) && policy.Eligibility.Organisation?.GovernmentMayWaiveYears != true)
        {
            problems.Add(new("yearsWaiverReference", "form.not-applicable", "本政策不允许放宽年限。", "This policy does not allow the years to be waived."));
        }
    }

    private static void CheckIndividual(ApplicationForm form, DateOnly today, List<FieldProblem> problems, Action<string, string> missing)
    {
        if (string.IsNullOrWhiteSpace(form.IdNumber))
        {
            missing("idNumber", "居民身份证号码");
        }
        else if (ResidentIdNumber.Parse(form.IdNumber, today) is { IsOk: false } bad)
        {
            problems.Add(new("idNumber", bad.Refusal!.Code, bad.Refusal.Zh, bad.Refusal.En));
        }

        if (string.IsNullOrWhiteSpace(form.Employer))
        {
            missing("employer", "工作单位");
        }

        if (!string.IsNullOrWhiteSpace(form.EmployerCreditCode) && CreditCode.Parse(form.EmployerCreditCode) is { IsOk: false } badEmployer)
        {
            problems.Add(new("employerCreditCode", badEmployer.Refusal!.Code, badEmployer.Refusal.Zh, badEmployer.Refusal.En));
        }

        if (form.EmployerSector is null)
        {
            missing("employerSector", "工作单位性质");
        }

        if (form.YearsInQualityWork is null)
        {
            missing("yearsInQualityWork", "从事质量工作年限");
        }

        if (string.IsNullOrWhiteSpace(form.Achievements))
        {
            missing("achievements", "主要业绩与贡献");
        }
    }

    private static void CheckInternalPublicity(StageRule publicity, ApplicationForm form, WorkingDayCalendar calendar, DateOnly today, List<FieldProblem> problems)
    {
        if (form.InternalPublicityFrom is not { } from || form.InternalPublicityTo is not { } to)
        {
            problems.Add(new("internalPublicity", "form.missing", $"请填写单位内部公示的起止日期（{publicity.Article}：不少于{publicity.MinWorkingDays}个工作日）。", $"Enter the internal publicity period ({publicity.Article})."));
            return;
        }

        if (to < from || to >= today)
        {
            problems.Add(new("internalPublicity", "form.publicity-not-finished", "内部公示须在提交申报前结束（公示无异议后方可提交）。", "The internal publicity must have ended before submission."));
            return;
        }

        var days = calendar.WorkingDaysBetween(from, to);
        if (!days.IsOk)
        {
            problems.Add(new("internalPublicity", days.Refusal!.Code, days.Refusal.Zh, days.Refusal.En));
        }
        else if (days.Value < publicity.MinWorkingDays)
        {
            problems.Add(new("internalPublicity", "form.publicity-too-short", $"单位内部公示仅{days.Value}个工作日，{publicity.Article}要求不少于{publicity.MinWorkingDays}个工作日。", $"The internal publicity lasted {days.Value} working days; {publicity.Article} requires at least {publicity.MinWorkingDays}."));
        }
    }

    private static bool IsBidiControl(char c) => c is '\u202A' or '\u202B' or '\u202C' or '\u202D' or '\u202E' or '\u2066' or '\u2067' or '\u2068' or '\u2069' or '\u200E' or '\u200F';
}
