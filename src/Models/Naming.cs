using System.Text.RegularExpressions;

namespace Pipeline.Models;

/// <summary>
/// Keras's class-name to snake-case rule (GlorotUniform -> glorot_uniform), shared by the name registries (initializers,
/// regularizers, losses, metrics, optimizers), and the way error messages list names.
/// </summary>
internal static partial class Naming
{
    /// <summary>Names as Keras's messages list them: <c>['a', 'b']</c>.</summary>
    internal static string QuotedList(IEnumerable<string> names) => "[" + string.Join(", ", names.Select(n => $"'{n}'")) + "]";

    internal static string ToSnakeCase(string name)
    {
        var s = FirstCap().Replace(name, "$1_$2");
        return LowerUpper().Replace(s, "$1_$2").ToLowerInvariant();
    }

    [GeneratedRegex("(.)([A-Z][a-z]+)")]
    private static partial Regex FirstCap();

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex LowerUpper();
}
