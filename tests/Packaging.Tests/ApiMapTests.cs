using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Packaging.Tests;

/// <summary>
/// docs/api-map.md cannot drift from the code: its reference part is generated from the public API of the four
/// assemblies and their XML docs (every public type and member, with the TensorFlow name its docs give), and every
/// name in its hand-written part must exist. After an API change, regenerate with
/// <c>PIPELINE_UPDATE_API_MAP=1 dotnet test tests/Packaging.Tests -c Release --filter ApiMap</c>.
/// </summary>
public partial class ApiMapTests
{
    const string Marker = "<!-- Generated from the code by tests/Packaging.Tests/ApiMapTests.cs: do not edit below this line. -->";

    static readonly Assembly[] Assemblies =
    [
        typeof(Pipeline.Runtime.TorchRuntime).Assembly,
        typeof(Pipeline.Dataset).Assembly,
        typeof(Pipeline.Records.TFRecordWriter).Assembly,
        typeof(Pipeline.Models.Sequential).Assembly,
    ];

    static string MapPath => Path.Combine(RepositoryPaths.Root, "docs", "api-map.md");

    [Fact]
    public void The_generated_reference_lists_every_public_type_and_member_as_the_code_has_them()
    {
        var text = File.ReadAllText(MapPath);
        int marker = text.IndexOf(Marker, StringComparison.Ordinal);
        Assert.True(marker >= 0, $"docs/api-map.md lacks the line {Marker}");
        var expected = text[..(marker + Marker.Length)] + "\n\n" + Generate();

        if (Environment.GetEnvironmentVariable("PIPELINE_UPDATE_API_MAP") == "1")
            File.WriteAllText(MapPath, expected);

        Assert.True(expected == text, "docs/api-map.md is out of date with the public API: regenerate it with " +
            "PIPELINE_UPDATE_API_MAP=1 dotnet test tests/Packaging.Tests -c Release --filter ApiMap, and review the diff.");
    }

    [Fact]
    public void Every_name_in_the_hand_written_part_exists_in_the_public_api()
    {
        var text = File.ReadAllText(MapPath);
        var handWritten = text[..text.IndexOf(Marker, StringComparison.Ordinal)];
        var known = PublicNames();
        var unknown = OurName().Matches(handWritten).Select(m => m.Groups[1].Value).Where(n => !known.Contains(n)).Distinct().ToList();
        Assert.True(unknown.Count == 0, "docs/api-map.md names what the code does not have: " + string.Join(", ", unknown));
    }

    // `Type.Member` or `Type` in backticks in the Pipeline column; arguments and generic parameters are dropped.
    [GeneratedRegex(@"\| `((?:[A-Z][A-Za-z0-9]*)(?:<T>)?(?:\.[A-Z][A-Za-z0-9]*)?)(?:\([^`]*\))?`")]
    private static partial Regex OurName();

    static HashSet<string> PublicNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in Assemblies.SelectMany(a => a.GetExportedTypes()))
        {
            var name = DisplayName(type);
            names.Add(name);
            foreach (var member in Members(type)) names.Add($"{name}.{member.Name}");
        }
        return names;
    }

    static string Generate()
    {
        var md = new StringBuilder();
        foreach (var assembly in Assemblies)
        {
            var docs = XmlDocs(assembly);
            md.Append($"## {assembly.GetName().Name}\n\n");
            foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.Namespace, StringComparer.Ordinal).ThenBy(DisplayName, StringComparer.Ordinal))
            {
                var typeDoc = docs.GetValueOrDefault("T:" + type.FullName);
                md.Append($"### `{DisplayName(type)}` ({Kind(type)}, `{type.Namespace}`)\n\n");
                md.Append($"{Sentence(typeDoc)}{Tf(typeDoc, " TensorFlow: ")}\n\n");
                if (type.IsEnum)
                {
                    md.Append($"Values: {string.Join(", ", Enum.GetNames(type).Select(n => $"`{n}`"))}\n\n");
                    continue;
                }
                var members = Members(type).GroupBy(m => m.Name).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
                if (members.Count == 0) continue;
                md.Append("| Pipeline | TensorFlow | What it does |\n|---|---|---|\n");
                foreach (var group in members)
                {
                    var doc = group.Select(m => docs.GetValueOrDefault(DocId(m))).FirstOrDefault(d => d is not null);
                    var suffix = group.First() is MethodBase ? "(...)" : "";
                    var name = group.Key == ".ctor" ? $"new {DisplayName(type)}(...)" : $"{DisplayName(type)}.{group.Key}{suffix}";
                    md.Append($"| `{name}` | {Tf(doc, "")} | {Sentence(doc)} |\n");
                }
                md.Append('\n');
            }
        }
        return md.ToString().TrimEnd() + "\n";
    }

    static IEnumerable<MemberInfo> Members(Type type) =>
        type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => m switch
            {
                MethodInfo method => !method.IsSpecialName && method.GetBaseDefinition().DeclaringType == type
                                     && !method.Name.Contains('<') && method.Name is not ("Equals" or "GetHashCode" or "ToString" or "Deconstruct" or "PrintMembers"),
                ConstructorInfo => true,
                PropertyInfo property => property.Name != "EqualityContract",
                FieldInfo field => !type.IsEnum,
                EventInfo => true,
                _ => false,
            });

    static string DisplayName(Type type)
    {
        var name = type.IsNested ? DisplayName(type.DeclaringType!) + "." + type.Name : type.Name;
        int tick = name.IndexOf('`');
        return tick < 0 ? name : name[..tick] + "<" + string.Join(", ", type.GetGenericArguments().Select(a => a.Name)) + ">";
    }

    static string Kind(Type type) =>
        type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct"
        : type.IsAbstract && type.IsSealed ? "static class" : type.IsAbstract ? "abstract class" : "class";

    static Dictionary<string, XElement> XmlDocs(Assembly assembly)
    {
        var path = Path.ChangeExtension(assembly.Location, ".xml");
        return File.Exists(path)
            ? XDocument.Load(path).Descendants("member")
                .GroupBy(m => Regex.Replace(((string)m.Attribute("name")!).Split('(')[0], @"``\d+$", ""))
                .ToDictionary(g => g.Key, g => g.First())
            : [];
    }

    // The XML doc id's prefix and name; overloads share a row, so the parameter list is matched loosely.
    static string DocId(MemberInfo member)
    {
        var type = member.DeclaringType!.FullName!.Replace('+', '.');
        return member switch
        {
            ConstructorInfo => $"M:{type}.#ctor",
            MethodInfo => $"M:{type}.{member.Name}",
            PropertyInfo => $"P:{type}.{member.Name}",
            FieldInfo => $"F:{type}.{member.Name}",
            EventInfo => $"E:{type}.{member.Name}",
            _ => "",
        };
    }

    static string Tf(XElement? doc, string prefix)
    {
        if (doc is null) return "";
        // The docs name TF either in full (<c>tf.io.encode_png</c>) or, for a tf.data method, as <c>dataset.batch(...)</c>.
        var match = Regex.Match(doc.ToString(), @"<c>((?:tf|keras)\.[A-Za-z0-9_.]+|dataset\.[a-z_]+)");
        if (!match.Success) return "";
        var name = match.Groups[1].Value;
        return $"{prefix}`{(name.StartsWith("dataset.", StringComparison.Ordinal) ? "tf.data.Dataset." + name["dataset.".Length..] : name)}`";
    }

    // The summary's first sentence as plain text, on one line, without table-breaking characters.
    static string Sentence(XElement? doc)
    {
        var summary = doc?.Element("summary");
        if (summary is null) return "";
        var text = string.Concat(summary.Nodes().Select(n => n switch
        {
            XText t => t.Value,
            XElement { Name.LocalName: "see" or "seealso" } e => ((string?)e.Attribute("cref"))?.Split('(')[0].Split('.', ':').Last().Split('`')[0]
                                                                  ?? (string?)e.Attribute("langword") ?? e.Value,
            XElement { Name.LocalName: "paramref" or "typeparamref" } e => (string?)e.Attribute("name") ?? "",
            XElement e => e.Value,
            _ => "",
        }));
        text = Regex.Replace(text, @"\s+", " ").Trim().Replace("|", "\\|");
        int end = text.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? text : text[..(end + 1)];
    }
}
