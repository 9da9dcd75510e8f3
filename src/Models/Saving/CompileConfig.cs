using System.Text.Json.Nodes;
using Pipeline.Models.Losses;
using Pipeline.Models.Optimizers;
using Pipeline.Runtime;

namespace Pipeline.Models.Saving;

/// <summary>
/// The compile settings in Keras's files: Keras 3's <c>compile_config</c> (config.json of a .keras file) and Keras 2's
/// <c>training_config</c> (root attribute of a full-model .h5), written from and read back into <see cref="Model.Compile(Optimizer, Loss, string[])"/>
/// and its per-output overloads.
/// </summary>
/// <remarks>
/// Keras keeps the compile arguments in the structure the user passed them: one loss, a list (output order) or a
/// dictionary keyed by output layer name, likewise for <c>loss_weights</c> and <c>metrics</c> (a list of per-output lists,
/// or a dictionary of them). Keras 3 serializes the structure with <c>serialize_keras_object</c> (lists stay lists,
/// dictionaries stay dictionaries, objects become <c>{module, class_name, config, registered_name}</c>); Keras 2 maps its
/// serializer over the same structure. Reading accepts both, plus Keras 2's habits: metrics as metric objects whose names
/// carry the output name (<c>"larger_accuracy"</c>), a flat metric list meaning "every output" (in Keras 3 a list has
/// one entry per output), and <c>"acc"</c>.
/// </remarks>
internal static class CompileConfig
{
    // ------------------------------------------------------------------ writing

    /// <summary>Keras 3's compile_config, or null for an uncompiled model.</summary>
    public static JsonObject? Keras3(CompiledSettings? settings)
    {
        if (settings is null) return null;
        return new JsonObject
        {
            ["optimizer"] = ModelConfig.SerializeObject("keras.optimizers", settings.Optimizer),
            ["loss"] = LossNode(settings),
            ["loss_weights"] = LossWeightsNode(settings),
            ["metrics"] = MetricsNode(settings),
            ["weighted_metrics"] = null,
            ["run_eagerly"] = false,
            ["steps_per_execution"] = 1,
            ["jit_compile"] = false,
        };
    }

    /// <summary>Keras 2's training_config (loss, metrics, weighted_metrics, loss_weights, optimizer_config), or null for an uncompiled model.</summary>
    public static JsonObject? Keras2(CompiledSettings? settings)
    {
        if (settings is null) return null;
        return new JsonObject
        {
            ["loss"] = LossNode(settings),
            ["metrics"] = MetricsNode(settings),
            ["weighted_metrics"] = null,
            ["loss_weights"] = LossWeightsNode(settings),
            ["optimizer_config"] = ModelConfig.SerializeObject("keras.optimizers", settings.Optimizer),
        };
    }

    static JsonNode LossNode(CompiledSettings s) =>
        s.OutputNames is null ? ModelConfig.SerializeObject("keras.losses", s.Losses[0]) : PerOutput(s, i => ModelConfig.SerializeObject("keras.losses", s.Losses[i]));

    static JsonNode? LossWeightsNode(CompiledSettings s) =>
        s.OutputNames is null || s.LossWeights is null ? null : PerOutput(s, i => JsonValue.Create(s.LossWeights[i]));

    static JsonNode? MetricsNode(CompiledSettings s)
    {
        static JsonArray Names(string[] names) => new([.. names.Select(n => (JsonNode)JsonValue.Create(n))]);
        // One loss for several outputs: Keras 3 reads a metrics list as one entry per output, so the metrics go to each.
        if (s.OutputNames is null)
            return s.OutputCount > 1 && s.Metrics[0].Length > 0 ? new JsonArray([.. Enumerable.Range(0, s.OutputCount).Select(_ => (JsonNode)Names(s.Metrics[0]))])
                : Names(s.Metrics[0]);
        if (s.Metrics.All(m => m.Length == 0)) return null;   // Keras: metrics=None
        if (!s.ByName) return new JsonArray([.. s.Metrics.Select(m => (JsonNode)Names(m))]);
        // A dictionary lists the outputs that have metrics, as a user writes it.
        var byName = new JsonObject();
        for (int i = 0; i < s.OutputNames.Length; i++)
            if (s.Metrics[i].Length > 0) byName[s.OutputNames[i]] = Names(s.Metrics[i]);
        return byName;
    }

    /// <summary>A list in output order, or a dictionary keyed by output name when the model was compiled with dictionaries.</summary>
    static JsonNode PerOutput(CompiledSettings s, Func<int, JsonNode?> entry)
    {
        var names = s.OutputNames!;
        if (!s.ByName) return new JsonArray([.. names.Select((_, i) => entry(i))]);
        var byName = new JsonObject();
        for (int i = 0; i < names.Length; i++) byName[names[i]] = entry(i);
        return byName;
    }

    // ------------------------------------------------------------------ reading

    /// <summary>
    /// Compiles <paramref name="model"/> from Keras 3's compile_config or Keras 2's training_config. A structure that does
    /// not fit the model (a list of the wrong length, a dictionary naming an output the model does not have) is an error:
    /// the file contradicts itself. An optimizer, loss or metric that cannot be understood leaves the model uncompiled
    /// with a line on the runtime log, as Keras warns, so that the architecture and weights still load.
    /// </summary>
    /// <exception cref="KerasFileException">The losses, loss weights or metrics do not fit the model's outputs.</exception>
    public static void Apply(Model model, JsonObject? compileConfig, JsonObject? trainingConfig, ConfigBinder binder)
    {
        var source = compileConfig ?? trainingConfig;
        if (source is null) return;
        var where = compileConfig is not null ? "compile_config" : "training_config";
        string[] outputs = model.KnownOutputNames;

        // The structure first.
        var lossNode = source["loss"];
        bool perOutput = IsStructure(lossNode);
        bool byName = perOutput && lossNode is JsonObject;
        if (perOutput && outputs.Length <= 1 && Count(lossNode!) == 1)
        {
            // One output: a one-entry list or dictionary is its loss (a dictionary must still name it).
            if (lossNode is JsonObject d && outputs.Length == 1) _ = Entries(d, outputs, "loss", where, model, binder);
            lossNode = lossNode is JsonArray a ? a[0] : ((JsonObject)lossNode!).First().Value;
            perOutput = false;
        }
        JsonNode?[]? lossEntries = null;
        double[]? weights = null;
        string[][]? outputMetrics = null;
        string[] metrics = [];
        // Keras 3 reads a metrics list as one entry per output (Keras 2 a list of lists); with several outputs and one loss the
        // metrics may differ per output.
        bool keras3 = compileConfig is not null || trainingConfig!.ContainsKey("jit_compile");
        if (!perOutput && outputs.Length > 1 && IsPerOutputMetrics(source["metrics"], keras3, outputs.Length))
        {
            outputMetrics = OutputMetrics(source["metrics"], outputs, keras3, where, model, binder);
            if (outputMetrics!.All(m => m.SequenceEqual(outputMetrics![0]))) (metrics, outputMetrics) = (outputMetrics![0], null);
            else (lossEntries, byName) = ([.. outputs.Select(_ => lossNode)], source["metrics"] is JsonObject);   // the one loss for each output, each its metrics
        }
        else if (perOutput)
        {
            if (outputs.Length == 0)
                throw new KerasFileException(binder.FileName,
                    $"{where}: 'loss' is a {(byName ? "dictionary" : "list")} of {Count(lossNode!)} losses, but model \"{model.Name}\" is not a functional model with named outputs.");
            lossEntries = Entries(lossNode!, outputs, "loss", where, model, binder);
            weights = Weights(source["loss_weights"], outputs, where, model, binder);
            outputMetrics = OutputMetrics(source["metrics"], outputs, keras3, where, model, binder);
        }
        else
        {
            var names = new List<string>();
            CollectMetricNames(source["metrics"], names);
            metrics = [.. names.Select(n => WithoutOutputPrefix(n, outputs)).Distinct()];
            if (source["loss_weights"] is JsonNode w && !IsAllOnes(w))
                TorchRuntime.Log($"{binder.FileName}: {where} has loss_weights {w.ToJsonString()} for a single loss; a single loss is not weighted here, so they are ignored.");
        }

        if (source["weighted_metrics"] is JsonNode weighted && (weighted is not JsonArray { Count: 0 }))
            TorchRuntime.Log($"{binder.FileName}: {where} has weighted_metrics {weighted.ToJsonString()}; they are not supported here and are not restored.");

        // Then the objects: what cannot be made leaves the model uncompiled, with Keras's warning.
        try
        {
            var optimizerNode = compileConfig is not null ? compileConfig["optimizer"] : trainingConfig!["optimizer_config"];
            Optimizer optimizer = optimizerNode switch
            {
                JsonValue v => Optimizer.Get(v.GetValue<string>()),
                JsonObject o => (Optimizer)binder.Deserialize(LegacyOptimizer(o), typeof(Optimizer), $"{where} optimizer"),
                _ => throw new KerasFileException(binder.FileName, $"{where} has no optimizer."),
            };
            if (lossEntries is null)
            {
                model.Compile(optimizer, DeserializeLoss(lossNode, binder, $"{where} loss"), metrics);
                return;
            }
            var losses = lossEntries.Select((e, i) => e is null ? null : DeserializeLoss(e, binder, $"{where} loss of output \"{outputs[i]}\"")).ToArray();
            if (byName)
                model.Compile(optimizer,
                    outputs.Zip(losses).Where(p => p.Second is not null).ToDictionary(p => p.First, p => p.Second!),
                    weights is null ? null : outputs.Zip(weights).ToDictionary(p => p.First, p => p.Second),
                    outputMetrics is null ? null : outputs.Zip(outputMetrics).ToDictionary(p => p.First, p => p.Second));
            else
                model.Compile(optimizer, losses!, weights, outputMetrics);
        }
        catch (Exception e) when (e is KerasFileException or ArgumentException)
        {
            TorchRuntime.Log($"{binder.FileName}: the saved training configuration could not be used ({e.Message}); the model was not compiled. Compile it yourself.");
        }
    }

    /// <summary>Keras's rule: a dictionary with a class_name is one serialized object; any other dictionary, and a list, is a structure.</summary>
    static bool IsStructure(JsonNode? node) => node is JsonArray || node is JsonObject o && !o.ContainsKey("class_name");

    static int Count(JsonNode structure) => structure is JsonArray a ? a.Count : ((JsonObject)structure).Count;

    static Loss DeserializeLoss(JsonNode? node, ConfigBinder binder, string where) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var name) => Loss.Get(name),
        JsonObject o => (Loss)binder.Deserialize(o, typeof(Loss), where),
        _ => throw new KerasFileException(binder.FileName, $"{where}: expected a loss name or a serialized loss; found {node?.ToJsonString() ?? "null"}."),
    };

    /// <summary>One entry per output, in output order, from a list or a dictionary keyed by output name (null where a dictionary has none).</summary>
    static JsonNode?[] Entries(JsonNode structure, string[] outputs, string key, string where, Model model, ConfigBinder binder)
    {
        if (structure is JsonArray list)
        {
            if (list.Count != outputs.Length)
                throw new KerasFileException(binder.FileName,
                    $"{where}: '{key}' lists {list.Count} entries, but model \"{model.Name}\" has {outputs.Length} outputs ({Naming.QuotedList(outputs)}); expected one per output.");
            return [.. list];
        }
        var byName = (JsonObject)structure;
        foreach (var (name, _) in byName)
            if (!outputs.Contains(name))
                throw new KerasFileException(binder.FileName,
                    $"{where}: '{key}' names output \"{name}\", which model \"{model.Name}\" does not have; its outputs are {Naming.QuotedList(outputs)}.");
        return [.. outputs.Select(n => byName[n])];
    }

    static double[]? Weights(JsonNode? node, string[] outputs, string where, Model model, ConfigBinder binder)
    {
        if (node is null) return null;
        if (!IsStructure(node))
            throw new KerasFileException(binder.FileName,
                $"{where}: 'loss_weights' is {node.ToJsonString()}; with one loss per output it must be a list or a dictionary of numbers.");
        return [.. Entries(node, outputs, "loss_weights", where, model, binder).Select((w, i) => w switch
        {
            null => 1.0,   // a dictionary that leaves an output out weighs it 1, as Keras does
            JsonValue v when v.TryGetValue<double>(out var d) => d,
            _ => throw new KerasFileException(binder.FileName, $"{where}: the loss weight of output \"{outputs[i]}\" is {w.ToJsonString()}, not a number."),
        })];
    }

    /// <summary>
    /// The metric names of every output from a dictionary by output name or a list with an entry (a metric or a list of
    /// them) per output; in Keras 2, a list of metrics (not of lists) is for every output.
    /// </summary>
    static string[][]? OutputMetrics(JsonNode? node, string[] outputs, bool keras3, string where, Model model, ConfigBinder binder)
    {
        if (node is null) return null;
        bool nested = IsPerOutputMetrics(node, keras3, outputs.Length);
        var entries = nested ? Entries(node, outputs, "metrics", where, model, binder) : [.. outputs.Select(_ => node)];
        return [.. entries.Select(entry =>
        {
            var names = new List<string>();
            CollectMetricNames(entry, names);
            return names.Select(n => WithoutOutputPrefix(n, outputs)).Distinct().ToArray();
        })];
    }

    /// <summary>Whether a metrics entry has one entry per output: a dictionary of them, a list in Keras 3, a list of lists in Keras 2.</summary>
    static bool IsPerOutputMetrics(JsonNode? node, bool keras3, int outputs) => node switch
    {
        JsonObject o => !o.ContainsKey("class_name"),
        JsonArray a => keras3 ? a.Count == outputs || a.All(m => m is null or JsonArray) : a.Count > 0 && a.All(m => m is null or JsonArray),
        _ => false,
    };

    // Keras 2 renames the metrics of a model with several outputs "<output>_<metric>" and saves them so.
    static string WithoutOutputPrefix(string name, string[] outputs)
    {
        if (outputs.Length < 2 || IsMetric(name)) return name;
        foreach (var output in outputs)
            if (name.StartsWith(output + "_", StringComparison.Ordinal) && Normalized(name[(output.Length + 1)..]) is var bare && IsMetric(bare)) return bare;
        return name;
    }

    static string Normalized(string metric) => metric == "acc" ? "accuracy" : metric;

    static bool IsMetric(string name)
    {
        try
        {
            Metrics.Metric.Get(name);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    static bool IsAllOnes(JsonNode node) => node switch
    {
        JsonValue v => v.TryGetValue<double>(out var d) && d == 1.0,
        JsonArray a => a.All(x => x is not null && IsAllOnes(x)),
        JsonObject o => o.All(kv => kv.Value is not null && IsAllOnes(kv.Value)),
        _ => false,
    };

    // Keras 2 optimizer configs say "lr" (before 2.3) and name the class "Custom>Adam" (2.14).
    static JsonObject LegacyOptimizer(JsonObject serialized)
    {
        if (serialized["config"] is JsonObject c && c["lr"] is JsonNode lr && c["learning_rate"] is null)
        {
            var copy = (JsonObject)serialized.DeepClone();
            ((JsonObject)copy["config"]!)["learning_rate"] = lr.DeepClone();
            return copy;
        }
        return serialized;
    }

    static void CollectMetricNames(JsonNode? node, List<string> names)
    {
        switch (node)
        {
            case JsonValue v when v.TryGetValue<string>(out var s):
                names.Add(Normalized(s));
                break;
            case JsonArray a:
                foreach (var item in a) CollectMetricNames(item, names);
                break;
            case JsonObject o when JsonConfig.String(o["config"], "name") is string n:
                names.Add(Normalized(n));
                break;
            case JsonObject o:
                foreach (var kv in o) CollectMetricNames(kv.Value, names);
                break;
        }
    }

}
