// A fixture for the test `an_include_back_up_the_pipeline_fails`: a grammar file that includes
// the engine, which the build must refuse.
#pragma once

#include "base/source.hpp"
#include "run/engine.hpp"
