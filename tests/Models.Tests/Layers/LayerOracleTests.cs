using System.Text.Json;
using Pipeline.Models.Layers;
using static TorchSharp.torch;

namespace Pipeline.Models.Tests;

/// <summary>
/// Each layer's forward output against an independent reference (python3-torch functional ops with TensorFlow's padding
/// rules, numpy for Keras-specific definitions), from make_layer_fixtures.py. Weights are set in Keras's layout through
/// <see cref="Variable.Assign(Tensor)"/>, so the storage-layout mapping of every weight is checked too.
/// </summary>
public class LayerOracleTests
{
    static readonly JsonElement Fixture = OracleJson.Load("Layers", "layers.json");

    public static TheoryData<int, string> Cases()
    {
        var data = new TheoryData<int, string>();
        int i = 0;
        foreach (var c in Fixture.GetProperty("cases").EnumerateArray())
            data.Add(i++, c.GetProperty("layer").GetString() + " " + c.GetProperty("config").GetRawText());
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Output_matches_the_reference(int index, string description)
    {
        using var scope = NewDisposeScope();
        var c = Fixture.GetProperty("cases")[index];
        var config = c.GetProperty("config");
        using var layer = Build(c.GetProperty("layer").GetString()!, config);
        var inputs = c.GetProperty("inputs").EnumerateArray().Select(e => OracleJson.ToTensor(e)).ToArray();
        if (layer is Embedding) inputs[0] = inputs[0].to_type(ScalarType.Int64);
        bool training = config.TryGetProperty("training", out var t) && t.GetBoolean();
        _ = inputs.Length == 1 ? layer.Apply(inputs[0], training: false) : layer.Apply(inputs, training: false);   // builds
        var weights = c.GetProperty("weights").EnumerateArray().Select(e => OracleJson.ToTensor(e)).ToArray();
        Assert.Equal(weights.Length, layer.Weights.Count);
        for (int i = 0; i < weights.Length; i++) layer.Weights[i].Assign(weights[i]);

        Tensor output;
        if (layer is MultiHeadAttention mha)
        {
            var mask = c.TryGetProperty("mask", out var m) ? OracleJson.ToTensor(m) : null;
            var (o, scores) = mha.CallWithScores(inputs[0], inputs[1], attentionMask: mask);
            OracleJson.AssertClose(OracleJson.ToTensor(c.GetProperty("scores")), scores, description + " scores", rtol: 1e-4, atol: 1e-5);
            output = o;
        }
        else output = inputs.Length == 1 ? layer.Apply(inputs[0], training) : layer.Apply(inputs, training);
        OracleJson.AssertClose(OracleJson.ToTensor(c.GetProperty("expected")), output, description, rtol: 1e-4, atol: 1e-4);
        var sampleShapes = inputs.Select(t => t.shape.Skip(1).Select(d => (int)d).ToArray()).ToArray();
        var expectedShape = layer is MultiHeadAttention || inputs.Length == 1 ? layer.ComputeOutputShape(sampleShapes[0]) : layer.ComputeOutputShape(sampleShapes);
        Assert.Equal(expectedShape, output.shape.Skip(1).Select(d => (int)d).ToArray());

        if (c.TryGetProperty("moving_after", out var moving))
        {
            var bn = (BatchNormalization)layer;
            OracleJson.AssertClose(OracleJson.ToTensor(moving[0]), bn.MovingMean!.Value, "moving_mean", rtol: 1e-4, atol: 1e-5);
            OracleJson.AssertClose(OracleJson.ToTensor(moving[1]), bn.MovingVariance!.Value, "moving_variance", rtol: 1e-4, atol: 1e-5);
        }
    }

    static Layer Build(string name, JsonElement c)
    {
        int I(string key, int fallback) => c.TryGetProperty(key, out var v) ? v.GetInt32() : fallback;
        string S(string key, string fallback) => c.TryGetProperty(key, out var v) ? v.GetString()! : fallback;
        double D(string key, double fallback) => c.TryGetProperty(key, out var v) ? v.GetDouble() : fallback;
        int[] Ints(string key) => [.. c.GetProperty(key).EnumerateArray().Select(e => e.GetInt32())];
        ((int, int), (int, int)) Pairs(string key)
        {
            var p = c.GetProperty(key);
            return ((p[0][0].GetInt32(), p[0][1].GetInt32()), (p[1][0].GetInt32(), p[1][1].GetInt32()));
        }
        return name switch
        {
            "Conv2D" => new Conv2D(I("filters", 1), I("kernelSize", 1), I("strides", 1), S("padding", "valid"), dilationRate: I("dilationRate", 1), groups: I("groups", 1)),
            "Conv1D" => new Conv1D(I("filters", 1), I("kernelSize", 1), I("strides", 1), S("padding", "valid"), I("dilationRate", 1)),
            "DepthwiseConv2D" => new DepthwiseConv2D(I("kernelSize", 1), I("strides", 1), S("padding", "valid"), I("depthMultiplier", 1)),
            "SeparableConv2D" => new SeparableConv2D(I("filters", 1), I("kernelSize", 1), I("strides", 1), S("padding", "valid"), I("depthMultiplier", 1)),
            "Conv2DTranspose" => new Conv2DTranspose(I("filters", 1), I("kernelSize", 1), I("strides", 1), S("padding", "valid")),
            "Dense" => new Dense(I("units", 1)),
            "AveragePooling2D" => new AveragePooling2D(I("poolSize", 2), c.TryGetProperty("strides", out var s) ? s.GetInt32() : null, S("padding", "valid")),
            "GlobalAveragePooling2D" => new GlobalAveragePooling2D(),
            "GlobalMaxPooling2D" => new GlobalMaxPooling2D(),
            "ZeroPadding2D" => new ZeroPadding2D(Pairs("padding")),
            "Cropping2D" => new Cropping2D(Pairs("cropping")),
            "UpSampling2D" => new UpSampling2D(I("size", 2), S("interpolation", "nearest")),
            "BatchNormalization" => new BatchNormalization(),
            "LayerNormalization" => new LayerNormalization(c.TryGetProperty("axis", out var a) ? a.EnumerateArray().Select(e => e.GetInt32()).ToArray() : null),
            "Embedding" => new Embedding(I("inputDim", 1), I("outputDim", 1)),
            "MultiHeadAttention" => new MultiHeadAttention(I("numHeads", 1), I("keyDim", 1),
                attentionAxes: c.TryGetProperty("attentionAxes", out var axes) ? [.. axes.EnumerateArray().Select(e => e.GetInt32())] : null),
            "MaxPooling2D" => new MaxPooling2D(I("poolSize", 2), c.TryGetProperty("strides", out var ms) ? ms.GetInt32() : null, S("padding", "valid")),
            "Subtract" => new Subtract(),
            "Multiply" => new Multiply(),
            "Average" => new Average(),
            "Maximum" => new Maximum(),
            "Concatenate" => new Concatenate(I("axis", -1)),
            "Permute" => new Permute(Ints("dims")),
            "RepeatVector" => new RepeatVector(I("n", 1)),
            "Softmax" => new Softmax(I("axis", -1)),
            "ReLU" => new ReLU(c.TryGetProperty("maxValue", out var mv) ? mv.GetDouble() : null, D("negativeSlope", 0), D("threshold", 0)),
            "LeakyReLU" => c.TryGetProperty("negativeSlope", out var ns) ? new LeakyReLU(ns.GetDouble()) : new LeakyReLU(),
            "GlobalAveragePooling1D" => new GlobalAveragePooling1D(),
            "GlobalMaxPooling1D" => new GlobalMaxPooling1D(),
            "Flatten" => new Flatten(),
            "Reshape" => new Reshape(Ints("targetShape")),
            _ => throw new ArgumentException(name),
        };
    }
}
