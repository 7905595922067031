using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace QualityAward.Functions.Hosting;

/// <summary>
/// One spelling for an enum value in every response (issue 18 item 6): camelCase, as the API's JSON
/// options write enums (<c>organisation</c>, <c>inProcess</c>, <c>materialReview</c>). A response
/// record that carries an enum as a string takes it from here, whether from the value itself or
/// from a read-model row that stores the value's name.
/// </summary>
public static class Wire
{
    public static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    public static string? Name<TEnum>(TEnum? value)
        where TEnum : struct, Enum => value is { } v ? Name(v) : null;

    /// <summary>A value's name as a read-model row stores it (<c>Organisation</c>), as responses spell it.</summary>
    [return: NotNullIfNotNull(nameof(storedName))]
    public static string? Name(string? storedName) =>
        string.IsNullOrEmpty(storedName) ? storedName : JsonNamingPolicy.CamelCase.ConvertName(storedName);
}
