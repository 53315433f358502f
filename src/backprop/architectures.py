"""VGG and AlexNet as plain data (tuples of layer specs), laid out like torchvision's models.

Layer names follow the original Caffe models: conv1_1 ... pool5, fc6, fc7, fc8.
"""

from backprop.layers import (
    AdaptiveAvgPool2d,
    BatchNorm2d,
    Conv2d,
    Dropout,
    Flatten,
    Layer,
    Linear,
    MaxPool2d,
    ReLU,
)

# The VGG paper's configurations (Simonyan & Zisserman 2015, Table 1): 3x3 convolutions per
# block; block b has VGG_WIDTHS[b] channels and ends with a 2x2, stride-2 max pool.
VGG_CONFIGURATIONS = {
    "A": (1, 1, 2, 2, 2),  # VGG11
    "B": (2, 2, 2, 2, 2),  # VGG13
    "D": (2, 2, 3, 3, 3),  # VGG16
    "E": (2, 2, 4, 4, 4),  # VGG19
}
VGG_WIDTHS = (64, 128, 256, 512, 512)


def vgg(configuration: str, batch_norm: bool = False, num_classes: int = 1000) -> tuple[Layer, ...]:
    """VGG configuration "A", "B", "D" or "E", optionally with BatchNorm2d after each conv."""
    layers: list[Layer] = []
    c = 3
    for b, (convolutions, width) in enumerate(
        zip(VGG_CONFIGURATIONS[configuration], VGG_WIDTHS), start=1
    ):
        for i in range(1, convolutions + 1):
            layers.append(Conv2d(c, width, 3, padding=1, name=f"conv{b}_{i}"))
            if batch_norm:
                layers.append(BatchNorm2d(width, name=f"bn{b}_{i}"))
            layers.append(ReLU(name=f"relu{b}_{i}"))
            c = width
        layers.append(MaxPool2d(2, 2, name=f"pool{b}"))
    return (
        *layers,
        AdaptiveAvgPool2d(7, name="avgpool"),  # identity at a 224x224 input (pool5 is 7x7)
        Flatten(name="flatten"),
        Linear(512 * 7 * 7, 4096, name="fc6"),
        ReLU(name="relu6"),
        Dropout(name="drop6"),
        Linear(4096, 4096, name="fc7"),
        ReLU(name="relu7"),
        Dropout(name="drop7"),
        Linear(4096, num_classes, name="fc8"),
    )


def vgg11(batch_norm: bool = False, num_classes: int = 1000) -> tuple[Layer, ...]:
    """VGG11, configuration A."""
    return vgg("A", batch_norm, num_classes)


def vgg13(batch_norm: bool = False, num_classes: int = 1000) -> tuple[Layer, ...]:
    """VGG13, configuration B."""
    return vgg("B", batch_norm, num_classes)


def vgg16(batch_norm: bool = False, num_classes: int = 1000) -> tuple[Layer, ...]:
    """VGG16, configuration D."""
    return vgg("D", batch_norm, num_classes)


def vgg19(batch_norm: bool = False, num_classes: int = 1000) -> tuple[Layer, ...]:
    """VGG19, configuration E."""
    return vgg("E", batch_norm, num_classes)


def alexnet(num_classes: int = 1000) -> tuple[Layer, ...]:
    """torchvision's AlexNet (one-GPU variant; conv1 padded by 2, unlike TF-slim's AlexNet v2)."""
    return (
        Conv2d(3, 64, 11, stride=4, padding=2, name="conv1"),
        ReLU(name="relu1"),
        MaxPool2d(3, 2, name="pool1"),
        Conv2d(64, 192, 5, padding=2, name="conv2"),
        ReLU(name="relu2"),
        MaxPool2d(3, 2, name="pool2"),
        Conv2d(192, 384, 3, padding=1, name="conv3"),
        ReLU(name="relu3"),
        Conv2d(384, 256, 3, padding=1, name="conv4"),
        ReLU(name="relu4"),
        Conv2d(256, 256, 3, padding=1, name="conv5"),
        ReLU(name="relu5"),
        MaxPool2d(3, 2, name="pool5"),
        AdaptiveAvgPool2d(6, name="avgpool"),  # identity at a 224x224 input (pool5 is 6x6)
        Flatten(name="flatten"),
        Dropout(name="drop6"),
        Linear(256 * 6 * 6, 4096, name="fc6"),
        ReLU(name="relu6"),
        Dropout(name="drop7"),
        Linear(4096, 4096, name="fc7"),
        ReLU(name="relu7"),
        Linear(4096, num_classes, name="fc8"),
    )
