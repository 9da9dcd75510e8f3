using System.Text.Json.Nodes;

namespace Packaging.Tests;

/// <summary>Writes .NET Interactive notebooks (C# cells) and reads what an executed one printed.</summary>
internal static class Notebooks
{
    /// <summary>An .ipynb document with one C# code cell per argument.</summary>
    public static string Create(params string[] cells)
    {
        var array = new JsonArray();
        foreach (var source in cells)
            array.Add(new JsonObject
            {
                ["cell_type"] = "code",
                ["execution_count"] = null,
                ["metadata"] = new JsonObject { ["dotnet_interactive"] = new JsonObject { ["language"] = "csharp" } },
                ["outputs"] = new JsonArray(),
                ["source"] = source,
            });
        return new JsonObject
        {
            ["cells"] = array,
            ["metadata"] = new JsonObject
            {
                ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
                ["language_info"] = new JsonObject { ["name"] = "csharp" },
            },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        }.ToJsonString();
    }

    /// <summary>
    /// The text every cell of an executed notebook printed or displayed, in order; throws with the cell's
    /// error when any cell failed.
    /// </summary>
    public static string Text(string executedNotebook)
    {
        var root = JsonNode.Parse(File.ReadAllText(executedNotebook))!;
        var text = new System.Text.StringBuilder();
        int index = 0;
        foreach (var cell in root["cells"]!.AsArray())
        {
            index++;
            foreach (var output in cell!["outputs"]?.AsArray() ?? [])
            {
                if (output!["output_type"]!.GetValue<string>() == "error")
                    throw new InvalidOperationException($"{executedNotebook}: cell {index} failed: {output["evalue"]}");
                text.Append(Join(output["text"]));
                text.Append(Join(output["data"]?["text/plain"]));
                text.Append(Join(output["data"]?["text/html"]));
                text.AppendLine();
            }
        }
        return text.ToString();
    }

    static string Join(JsonNode? node) => node switch
    {
        null => "",
        JsonArray lines => string.Concat(lines.Select(l => l!.GetValue<string>())),
        _ => node.GetValue<string>(),
    };
}
