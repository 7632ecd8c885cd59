//! The picture shape a provider is asked for. Story illustrations and the clips made from
//! them are square; a new shape is one variant here, spelled per provider.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AspectRatio {
    #[default]
    Square,
}

impl AspectRatio {
    /// As xAI and Gemini spell it.
    pub fn ratio(self) -> &'static str {
        match self {
            AspectRatio::Square => "1:1",
        }
    }

    /// OpenAI's `size` for GPT image models.
    pub fn openai_size(self) -> &'static str {
        match self {
            AspectRatio::Square => "1024x1024",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn illustrations_default_to_square() {
        assert_eq!(AspectRatio::default().ratio(), "1:1");
        assert_eq!(AspectRatio::default().openai_size(), "1024x1024");
    }
}
