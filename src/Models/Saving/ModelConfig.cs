using System.Text.Json.Nodes;
using Pipeline.Models.Layers;

namespace Pipeline.Models.Saving;

/// <summary>
/// Keras 3's config.json for models and layers (<c>serialize_keras_object</c> / <c>deserialize_keras_object</c>):
/// Sequential as its list of layers, functional models with their graph (Keras 3's <c>__keras_tensor__</c> inbound
/// nodes; Keras 2's <c>[name, node, tensor, kwargs]</c> lists are read too), subclassed models by their registered class
/// and config plus <c>build_config</c>. The <c>compile_config</c> is <see cref="CompileConfig"/>'s.
/// </summary>
internal static class ModelConfig
{
    const string FunctionalModule = "keras.src.models.functional";

    // ------------------------------------------------------------------ writing

    public static JsonObject Serialize(Layer layer)
    {
        var type = layer.GetType();
        bool library = type.Assembly == typeof(ModelConfig).Assembly;
        if (layer is Sequential sequential) return SerializeSequential(sequential);
        if (layer is Model { Graph: not null } functional && type == typeof(Model)) return SerializeFunctional(functional);
        var obj = new JsonObject
        {
            ["module"] = library ? (layer is Model ? "keras" : "keras.layers") : type.Namespace,
            ["class_name"] = library ? layer.KerasClassName : type.Name,
            ["config"] = JsonConfig.ToJson(layer.GetConfig()),
            ["registered_name"] = SerializationRegistry.RegisteredName(type),
        };
        if (layer is not Input && BuildConfig(layer) is { } build) obj["build_config"] = build;
        return obj;
    }

    static JsonObject? BuildConfig(Layer layer)
    {
        if (!layer.Built || layer.InputShapes is not { Count: > 0 } shapes) return null;
        return new JsonObject { ["input_shape"] = shapes.Count == 1 ? BatchShape(shapes[0]) : new JsonArray([.. shapes.Select(s => (JsonNode)BatchShape(s))]) };
    }

    static JsonArray BatchShape(IEnumerable<int> shape) => new([null, .. shape.Select(d => (JsonNode)JsonValue.Create(d))]);

    static JsonObject SerializeSequential(Sequential model)
    {
        var layers = new JsonArray();
        if (model.Built && model.Inputs.Count == 1) layers.Add(Serialize(model.Inputs[0].Layer));
        foreach (var layer in model.Layers) layers.Add(Serialize(layer));
        var config = new JsonObject
        {
            ["name"] = model.Name,
            ["trainable"] = model.Trainable,
            ["dtype"] = model.Dtype,
            ["layers"] = layers,
        };
        if (model.Built && model.InputShape is { } shape) config["build_input_shape"] = BatchShape(shape);
        var obj = new JsonObject { ["module"] = "keras", ["class_name"] = "Sequential", ["config"] = config, ["registered_name"] = null };
        if (BuildConfig(model) is { } build) obj["build_config"] = build;
        return obj;
    }

    static JsonObject SerializeFunctional(Model model)
    {
        var graph = model.Graph!;
        var layers = new JsonArray();
        foreach (var layer in graph.Layers)
        {
            var entry = Serialize(layer);
            entry["name"] = layer.Name;
            var nodes = new JsonArray();
            foreach (var node in layer.InboundNodes)
            {
                if (node.Inputs.Count == 0) continue;
                // Only nodes of this model (a shared layer may also be used in other graphs).
                if (!graph.AllNodes.Contains(node)) continue;
                JsonNode args = node.Inputs.Count == 1
                    ? new JsonArray(KerasTensorJson(node.Inputs[0]))
                    : new JsonArray(new JsonArray([.. node.Inputs.Select(t => (JsonNode)KerasTensorJson(t))]));
                nodes.Add(new JsonObject { ["args"] = args, ["kwargs"] = new JsonObject() });
            }
            entry["inbound_nodes"] = nodes;
            layers.Add(entry);
        }
        var config = new JsonObject
        {
            ["name"] = model.Name,
            ["trainable"] = model.Trainable,
            ["layers"] = layers,
            ["input_layers"] = History(model.Inputs),
            ["output_layers"] = History(model.Outputs),
        };
        return new JsonObject
        {
            ["module"] = FunctionalModule,
            ["class_name"] = "Functional",
            ["config"] = config,
            ["registered_name"] = "Functional",
            ["build_config"] = new JsonObject { ["input_shape"] = null },
        };
    }

    static JsonObject KerasTensorJson(KerasTensor t) => new()
    {
        ["class_name"] = "__keras_tensor__",
        ["config"] = new JsonObject
        {
            ["shape"] = BatchShape(t.Shape),
            ["dtype"] = t.Dtype,
            ["keras_history"] = new JsonArray(t.Layer.Name, NodeIndexInModel(t), t.TensorIndex),
        },
    };

    static int NodeIndexInModel(KerasTensor t) => t.NodeIndex;

    static JsonNode History(IReadOnlyList<KerasTensor> tensors)
    {
        JsonArray One(KerasTensor t) => new(t.Layer.Name, NodeIndexInModel(t), t.TensorIndex);
        return tensors.Count == 1 ? One(tensors[0]) : new JsonArray([.. tensors.Select(t => (JsonNode)One(t))]);
    }

    /// <summary>A Keras object (optimizer, loss) as Keras 3's <c>serialize_keras_object</c> writes it.</summary>
    internal static JsonObject SerializeObject(string module, object value)
    {
        var type = value.GetType();
        bool library = type.Assembly == typeof(ModelConfig).Assembly;
        return new JsonObject
        {
            ["module"] = library ? module : type.Namespace,
            ["class_name"] = type.Name,
            ["config"] = JsonConfig.ToJson(ObjectConfig.Of(value)),
            ["registered_name"] = SerializationRegistry.RegisteredName(type),
        };
    }

    // ------------------------------------------------------------------ reading

    /// <summary>Builds the model described by <paramref name="serialized"/> (a config.json or a legacy model_config).</summary>
    public static Model DeserializeModel(JsonObject serialized, ConfigBinder binder)
    {
        var layer = DeserializeLayer(serialized, binder, "model");
        return layer as Model ?? throw new KerasFileException(binder.FileName,
            $"the config describes a {JsonConfig.String(serialized, "class_name")}, not a model.");
    }

    public static Layer DeserializeLayer(JsonObject serialized, ConfigBinder binder, string where)
    {
        var className = JsonConfig.String(serialized, "class_name")
            ?? throw new KerasFileException(binder.FileName, $"{where}: the config has no class_name.");
        var config = serialized["config"];
        switch (className)
        {
            case "Sequential":
                return DeserializeSequential(config, binder, where);
            case "Functional" or "Model" when config is JsonObject c && c["layers"] is JsonArray:
                return DeserializeFunctional(c, binder, where);
            case "InputLayer":
                return DeserializeInput(config as JsonObject ?? [], binder, where);
        }
        var layer = (Layer)binder.Deserialize(serialized, typeof(Layer), where);
        if (config is JsonObject cfg && cfg["trainable"] is JsonValue t && t.TryGetValue<bool>(out var trainable) && !trainable) layer.Trainable = false;
        // Subclassed models and layers outside a graph are built from build_config, so their weights exist to be loaded.
        if (serialized["build_config"] is JsonObject build && build["input_shape"] is JsonArray shape && !layer.Built && layer is Model)
        {
            var sample = SampleShape(shape, binder, where);
            if (sample is not null) layer.Build(sample);
        }
        return layer;
    }

    static Input DeserializeInput(JsonObject config, ConfigBinder binder, string where)
    {
        var shape = config["batch_shape"] ?? config["batch_input_shape"];
        int[]? sample = shape is JsonArray a ? SampleShape(a, binder, where) : config["shape"] is JsonArray s ? [.. s.Select(d => d!.GetValue<int>())] : null;
        if (sample is null) throw new KerasFileException(binder.FileName, $"{where}: the InputLayer config has no batch_shape.");
        return new Input(sample, JsonConfig.String(config, "name"));
    }

    static int[]? SampleShape(JsonArray batchShape, ConfigBinder binder, string where)
    {
        if (batchShape.Count == 0 || batchShape.Skip(1).Any(d => d is null))
            return batchShape.Count == 0 ? null : throw new KerasFileException(binder.FileName,
                $"{where}: input shape {batchShape.ToJsonString()} has unknown dimensions besides the batch; only fixed per-sample shapes are supported.");
        return [.. batchShape.Skip(1).Select(d => d!.GetValue<int>())];
    }

    static Sequential DeserializeSequential(JsonNode? config, ConfigBinder binder, string where)
    {
        // Keras 2.0-2.2 wrote the layer list itself as the config.
        var list = config as JsonArray ?? (config as JsonObject)?["layers"] as JsonArray
            ?? throw new KerasFileException(binder.FileName, $"{where}: the Sequential config has no layers.");
        var name = config is JsonObject o ? JsonConfig.String(o, "name") ?? "sequential" : "sequential";
        var layers = new List<Layer>();
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonObject entry) throw new KerasFileException(binder.FileName, $"{where}: layer {i} is not an object.");
            var layerWhere = $"{where} layer {i} (\"{JsonConfig.String(entry["config"], "name")}\")";
            // Keras 2: the first layer carries the input shape.
            if (i == 0 && JsonConfig.String(entry, "class_name") != "InputLayer" && entry["config"] is JsonObject first
                && (first["batch_input_shape"] ?? first["batch_shape"]) is JsonArray batch && SampleShape(batch, binder, layerWhere) is { } sample)
                layers.Add(new Input(sample));
            layers.Add(DeserializeLayer(entry, binder, layerWhere));
        }
        if (layers.Count > 0 && layers[0] is not Input && config is JsonObject c2 && c2["build_input_shape"] is JsonArray bis && SampleShape(bis, binder, where) is { } s2)
            layers.Insert(0, new Input(s2));
        return new Sequential(layers, name);
    }

    static Model DeserializeFunctional(JsonObject config, ConfigBinder binder, string where)
    {
        var list = (JsonArray)config["layers"]!;
        var created = new Dictionary<string, Layer>(StringComparer.Ordinal);
        var pending = new List<(Layer Layer, string Name, JsonNode Node, string Where)>();
        foreach (var item in list)
        {
            if (item is not JsonObject entry) throw new KerasFileException(binder.FileName, $"{where}: a layer entry is not an object.");
            var name = JsonConfig.String(entry, "name") ?? JsonConfig.String(entry["config"], "name")
                ?? throw new KerasFileException(binder.FileName, $"{where}: a layer has no name.");
            var layerWhere = $"{where} layer \"{name}\"";
            var layer = DeserializeLayer(entry, binder, layerWhere);
            created[name] = layer;
            if (entry["inbound_nodes"] is JsonArray nodes)
                foreach (var node in nodes) pending.Add((layer, name, node!, layerWhere));
        }
        // Apply the nodes in an order where every input exists (Keras's layer list is usually, not always, sorted).
        while (pending.Count > 0)
        {
            int before = pending.Count;
            for (int i = 0; i < pending.Count; i++)
            {
                var (layer, name, node, layerWhere) = pending[i];
                var inputs = InboundTensors(node, created, binder, layerWhere);
                if (inputs is null) continue;
                try
                {
                    if (inputs.Count == 1) layer.Apply(inputs[0]);
                    else layer.ApplyMany(inputs);
                }
                catch (ArgumentException e)
                {
                    throw new KerasFileException(binder.FileName, $"{layerWhere}: cannot be applied to its inputs: {e.Message}", e);
                }
                pending.RemoveAt(i--);
            }
            if (pending.Count == before)
                throw new KerasFileException(binder.FileName,
                    $"{where}: the graph cannot be rebuilt: layer \"{pending[0].Name}\" takes inputs from layers or nodes that never appear.");
        }
        var inputsOut = Tensors(config["input_layers"], created, binder, where, "input_layers");
        var outputsOut = Tensors(config["output_layers"], created, binder, where, "output_layers");
        return new Model(inputsOut, outputsOut, JsonConfig.String(config, "name"));
    }

    /// <summary>The input tensors of one inbound node, or null when one of them does not exist yet.</summary>
    static List<KerasTensor>? InboundTensors(JsonNode node, Dictionary<string, Layer> created, ConfigBinder binder, string where)
    {
        var histories = new List<(string Layer, int Node, int Tensor)>();
        if (node is JsonObject keras3)
        {
            // Keras 3: {"args": [...], "kwargs": {...}} with __keras_tensor__ objects anywhere inside.
            CollectHistories(keras3["args"], histories);
            CollectHistories(keras3["kwargs"], histories);
        }
        else if (node is JsonArray keras2)
        {
            // Keras 2: [[layer, node, tensor, kwargs], ...].
            foreach (var item in keras2)
                if (item is JsonArray h && h.Count >= 3) histories.Add((h[0]!.GetValue<string>(), h[1]!.GetValue<int>(), h[2]!.GetValue<int>()));
        }
        var tensors = new List<KerasTensor>();
        foreach (var (layerName, nodeIndex, tensorIndex) in histories)
        {
            if (!created.TryGetValue(layerName, out var source))
                throw new KerasFileException(binder.FileName, $"{where}: takes input from layer \"{layerName}\", which the config does not define.");
            if (nodeIndex >= source.InboundNodes.Count) return null;
            var outputs = source.InboundNodes[nodeIndex].Outputs;
            if (tensorIndex >= outputs.Count)
                throw new KerasFileException(binder.FileName, $"{where}: takes output {tensorIndex} of layer \"{layerName}\", which has {outputs.Count}.");
            tensors.Add(outputs[tensorIndex]);
        }
        if (tensors.Count == 0) throw new KerasFileException(binder.FileName, $"{where}: an inbound node has no input tensors.");
        return tensors;
    }

    static void CollectHistories(JsonNode? node, List<(string, int, int)> histories)
    {
        switch (node)
        {
            case JsonObject o when JsonConfig.String(o, "class_name") == "__keras_tensor__":
                if (o["config"]?["keras_history"] is JsonArray h && h.Count >= 3)
                    histories.Add((h[0]!.GetValue<string>(), h[1]!.GetValue<int>(), h[2]!.GetValue<int>()));
                break;
            case JsonObject o:
                foreach (var kv in o) CollectHistories(kv.Value, histories);
                break;
            case JsonArray a:
                foreach (var item in a) CollectHistories(item, histories);
                break;
        }
    }

    static List<KerasTensor> Tensors(JsonNode? spec, Dictionary<string, Layer> created, ConfigBinder binder, string where, string key)
    {
        if (spec is not JsonArray a || a.Count == 0) throw new KerasFileException(binder.FileName, $"{where}: '{key}' is missing.");
        var items = a[0] is JsonValue ? [a] : a.Select(x => x as JsonArray).ToList();
        var tensors = new List<KerasTensor>();
        foreach (var h in items)
        {
            if (h is null || h.Count < 3) throw new KerasFileException(binder.FileName, $"{where}: '{key}' has an entry that is not [layer, node, tensor].");
            var name = h[0]!.GetValue<string>();
            if (!created.TryGetValue(name, out var layer) || h[1]!.GetValue<int>() >= layer.InboundNodes.Count)
                throw new KerasFileException(binder.FileName, $"{where}: '{key}' names layer \"{name}\" node {h[1]}, which the graph does not have.");
            tensors.Add(layer.InboundNodes[h[1]!.GetValue<int>()].Outputs[h[2]!.GetValue<int>()]);
        }
        return tensors;
    }
}
